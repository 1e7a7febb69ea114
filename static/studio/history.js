// Undo / redo from the keyboard (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y), and the buttons kept up to date.
// While typing in a field the browser's own undo applies. After an undo or redo the server sends
// HX-Trigger "story-changed"; a page whose map redraws itself marks it with data-live-map,
// any other page reloads to show the story as it now is.

import { typingIn } from "./typing.js";

// A press while the buttons are being fetched again waits for them: clicking the old button would send the undo,
// but its answer (the buttons, and story-changed for the map) would land on an element the fetch replaces, and the
// page would not show the undo.
let refreshing = Promise.resolve();

async function press(which) {
  await refreshing;
  const button = document.querySelector(`#history [data-history=${which}]`);
  if (button && !button.disabled) button.click();
}

document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  if (typingIn(event)) return;
  const key = event.key.toLowerCase();
  if (key === "z" && !event.shiftKey) press("undo");
  else if ((key === "z" && event.shiftKey) || key === "y") press("redo");
  else return;
  event.preventDefault();
});

function refreshButtons() {
  const box = document.getElementById("history");
  if (!box || !window.htmx) return;
  refreshing = window.htmx
    .ajax("GET", box.dataset.buttonsUrl, { target: "#history", swap: "outerHTML" })
    .catch((error) => console.error("history: the Undo / Redo buttons could not be fetched", error));
}

// Another edit on the page (panel, map) makes a new step: show its label.
document.body.addEventListener("htmx:afterRequest", (event) => {
  const element = event.detail.elt;
  const verb = (event.detail.requestConfig && event.detail.requestConfig.verb) || "get";
  if (verb !== "get" && event.detail.successful && !(element.closest && element.closest("#history"))) refreshButtons();
});
document.body.addEventListener("story-edited", refreshButtons);

document.body.addEventListener("story-changed", () => {
  if (!document.querySelector("[data-live-map]")) window.location.reload();
});
