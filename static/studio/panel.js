// The scene panel around its edits: Escape closes it (on narrow screens it is a drawer over the map),
// what an edit confirms is read out by screen readers, and the focus stays with the control the author used.
// htmx itself puts the focus back on the element of the same id after a swap; when that element is gone
// (a deleted choice), the focus goes to the "New choice" field.

const panel = () => document.getElementById("panel");

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented) return;
  const close = panel()?.querySelector("[data-panel-close]");
  if (!close) return;
  const open = document.querySelector("#panel details[open]:focus-within");
  if (open && event.target.closest("details") === open && event.target.tagName === "SUMMARY") return;
  event.preventDefault();
  close.click();
});

document.addEventListener("htmx:afterSettle", (event) => {
  const box = panel();
  // Closing the panel swaps #panel itself (outerHTML): the event's target is then the element it replaced.
  const target = event.detail.target;
  if (!box || !(target === box || target?.id === "panel" || box.contains(target))) return;
  const notice = box.querySelector("[data-notice]") || box.querySelector("#autosave-status:not(:empty)");
  const announcer = document.getElementById("panel-announcer");
  if (announcer) announcer.textContent = notice ? notice.textContent.trim() : "";
  const lost = !document.activeElement || document.activeElement === document.body;
  if (lost) {
    if (!box.querySelector("[data-scene-panel]")) document.getElementById("map")?.focus();
    else (box.querySelector("[aria-invalid=true]") || box.querySelector("#new_choice"))?.focus();
  }
});

// An undo or a redo may have changed the open scene (its ending, its title) or removed it: the panel is fetched
// again (autosave.js saves pending text first), and a panel whose scene is gone closes.
document.body.addEventListener("history-step", () => {
  const scene = panel()?.querySelector("#scene-form");
  if (scene && window.htmx) window.htmx.ajax("GET", scene.getAttribute("action"), {target: "#panel"});
});
document.body.addEventListener("htmx:responseError", (event) => {
  if (event.detail.target?.id === "panel" && event.detail.xhr.status === 404) {
    panel()?.querySelector("[data-panel-close]")?.click();
  }
});

// The target pickers (inputs with list="scene-options"): the datalist holds at most 20 titles, those matching
// what is typed, asked of the server as one types, so a story of thousands of scenes stays quick.
let pickerTimer = null;
document.addEventListener("input", (event) => {
  const input = event.target;
  if (input.getAttribute?.("list") !== "scene-options") return;
  clearTimeout(pickerTimer);
  pickerTimer = setTimeout(async () => {
    const list = document.getElementById("scene-options");
    if (!list) return;
    const address = new URL(list.dataset.url, window.location.href);
    address.searchParams.set("q", input.value);
    try {
      const response = await fetch(address, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
      if (response.ok) list.innerHTML = await response.text();
    } catch (error) {
      console.warn("The scene titles could not be fetched:", error);
    }
  }, 150);
});

// Only the newest request into the panel may fill it: the late answer of a save must not replace
// the scene the author has opened since (its HX-Trigger still reaches the map).
let newestPanelRequest = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.target?.id === "panel") newestPanelRequest = event.detail.xhr;
});
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target?.id === "panel" && newestPanelRequest && event.detail.xhr !== newestPanelRequest) {
    event.detail.shouldSwap = false;
  }
});
