// The map page's keyboard shortcuts (listed by `?` in partials/shortcuts.html): N new scene, E edit the selected
// scene, C its "New choice" field, Delete the open scene, / the map's search, ? the list. None fires while the
// author types in a field. Undo / redo are history.js's (Ctrl+Z, Ctrl+Shift+Z); moving a scene with Shift+arrows
// and the arrow keys on the map are map.js's. The words said come from the template (data-said-*: translated).

import { typingIn } from "./typing.js";

const workspace = document.querySelector("[data-shortcuts]");
const dialog = document.getElementById("shortcuts");

function say(text) {
  const status = document.getElementById("map-status");
  if (status) {
    status.textContent = text;
    status.classList.remove("error");
  }
}

function openPanelScene() {
  return document.querySelector("#panel #scene-form[data-scene-id]")?.dataset.sceneId || "";
}

// The scene the keyboard acts on: the one focused in the map's list of scenes, else the one selected on the map,
// else the one whose panel is open.
function currentScene() {
  const focused = document.activeElement?.closest?.("#map-scenes a[data-scene-id]");
  if (focused) return {id: focused.dataset.sceneId, url: focused.getAttribute("href")};
  const selected = window.storyMap?.$("node:selected[url]").first();
  if (selected && selected.length) return {id: selected.id(), url: selected.data("url")};
  const open = openPanelScene();
  return open ? {id: open, url: window.location.pathname} : null;
}

function focusSceneText() {
  const field = document.querySelector("#panel #id_text") || document.querySelector("#panel #id_title");
  field?.focus();
}

function editScene() {
  const scene = currentScene();
  if (!scene) { say(workspace.dataset.saidOpenFirst); return; }
  if (scene.id === openPanelScene()) { focusSceneText(); return; }
  window.htmx.ajax("GET", scene.url, {target: "#panel"}).then(() => {
    history.pushState({}, "", scene.url);
    focusSceneText();
  });
}

function newChoice() {
  const field = document.querySelector("#panel #new_choice");
  if (field) field.focus(); else say(workspace.dataset.saidOpenFirst);
}

function deleteScene() {
  // The panel's own button: the same request, the same message, and one step of the history to undo.
  const button = document.querySelector("#panel [data-delete-scene]");
  if (button) button.click(); else say(workspace.dataset.saidOpenFirst);
}

function newScene() {
  document.querySelector("[data-add-scene]")?.click();
}

// The list of shortcuts: a modal <dialog> (the rest of the page inert), Tab kept inside it, Escape closes it,
// and the focus goes back to where it was.
let opener = null;
function openShortcuts() {
  if (!dialog || dialog.open) return;
  opener = document.activeElement;
  dialog.showModal();
  dialog.querySelector("#shortcuts-close")?.focus();
}
dialog?.addEventListener("close", () => {
  // The map draws its list of scenes again after an edit: a scene's link is found again by its scene.
  const sceneId = opener?.dataset?.sceneId;
  const back = opener?.isConnected ? opener
    : sceneId ? document.querySelector(`#map-scenes a[data-scene-id="${sceneId}"]`) : null;
  if (back && back !== document.body) back.focus();
  else document.getElementById("map")?.focus();
  opener = null;
});
dialog?.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();  // closes the list only, not the scene panel behind it (panel.js)
    dialog.close();
    return;
  }
  if (event.key !== "Tab") return;
  const stops = [...dialog.querySelectorAll("a[href], button:not([disabled]), input, select, textarea, [tabindex]")]
    .filter((element) => element.tabIndex >= 0);
  if (!stops.length) return;
  const [first, last] = [stops[0], stops[stops.length - 1]];
  if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
  else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
});
document.querySelector("[data-shortcuts-open]")?.addEventListener("click", openShortcuts);

const ACTIONS = {
  n: newScene,
  e: editScene,
  c: newChoice,
  Delete: deleteScene,
  "/": () => document.querySelector("[data-map-search] input[name=q]")?.focus(),
  "?": openShortcuts,
};

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (typingIn(event) || document.querySelector("dialog[open]")) return;
  const key = event.key.length === 1 && event.key !== "?" && event.key !== "/" ? event.key.toLowerCase() : event.key;
  if (event.shiftKey && key !== "?" && key.length === 1 && /[a-z]/.test(key)) return;  // Shift+N is not N
  const action = ACTIONS[key];
  if (!action) return;
  event.preventDefault();
  action();
});
