// The story map's gestures: drag a scene to move it (saved at once), double-click to add a scene,
// zoom with the buttons. The server redraws the map (arrows included) after each change.
const MOVE_THRESHOLD = 4;
let zoom = 1;

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
}

function post(url, fields) {
  return fetch(url, {
    method: "POST",
    headers: {"X-CSRFToken": csrfToken(), "HX-Request": "true"},
    body: new URLSearchParams(fields),
  });
}

function showError(text) {
  const messages = document.getElementById("messages");
  messages.innerHTML = "";
  const line = document.createElement("p");
  line.className = "message error";
  line.textContent = text;
  messages.append(line);
}

async function replaceMap(response) {
  if (!response.ok) {
    showError(await response.text() || "The map could not be saved. Reload the page and try again.");
    return;
  }
  const map = document.getElementById("map");
  map.outerHTML = await response.text();
  const fresh = document.getElementById("map");
  window.htmx.process(fresh);
  applyZoom(fresh);
}

function applyZoom(map) {
  map.querySelector(".map-canvas").style.transform = `scale(${zoom})`;
}

document.addEventListener("pointerdown", (event) => {
  const card = event.target.closest(".scene-card");
  if (!card || event.button !== 0) return;
  const map = card.closest(".map");
  const start = {x: event.clientX, y: event.clientY, left: card.offsetLeft, top: card.offsetTop};
  let moved = false;

  function onMove(moveEvent) {
    const dx = (moveEvent.clientX - start.x) / zoom;
    const dy = (moveEvent.clientY - start.y) / zoom;
    if (!moved && Math.hypot(dx, dy) < MOVE_THRESHOLD) return;
    moved = true;
    card.classList.add("dragging");
    card.style.left = `${start.left + dx}px`;
    card.style.top = `${start.top + dy}px`;
  }

  async function onUp() {
    document.removeEventListener("pointermove", onMove);
    document.removeEventListener("pointerup", onUp);
    if (!moved) return;
    card.addEventListener("click", (click) => { click.preventDefault(); click.stopImmediatePropagation(); },
                          {capture: true, once: true});
    const x = card.offsetLeft + Number(map.dataset.originX);
    const y = card.offsetTop + Number(map.dataset.originY);
    await replaceMap(await post(card.dataset.moveUrl, {x: x.toFixed(1), y: y.toFixed(1)}));
  }

  document.addEventListener("pointermove", onMove);
  document.addEventListener("pointerup", onUp);
  event.preventDefault();
});

document.addEventListener("dblclick", async (event) => {
  const map = event.target.closest(".map");
  if (!map || event.target.closest(".scene-card")) return;
  const canvas = map.querySelector(".map-canvas").getBoundingClientRect();
  const x = (event.clientX - canvas.left) / zoom + Number(map.dataset.originX);
  const y = (event.clientY - canvas.top) / zoom + Number(map.dataset.originY);
  const response = await post(map.dataset.addUrl, {x: x.toFixed(1), y: y.toFixed(1)});
  if (response.ok) window.location = response.url; else showError("The scene could not be added.");
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-zoom]");
  if (!button) return;
  zoom = Math.min(2, Math.max(0.3, zoom * Number(button.dataset.zoom)));
  applyZoom(document.getElementById("map"));
});

// A selected scene (from the map, a problem or a search result) is brought to the middle of the map.
document.addEventListener("htmx:afterSettle", () => {
  document.querySelector(".scene-card.selected")?.scrollIntoView({block: "center", inline: "center"});
});
window.addEventListener("load", () => {
  document.querySelector(".scene-card.selected")?.scrollIntoView({block: "center", inline: "center"});
});
