// Where the author is typing: the studio's own keys (history.js, shortcuts.js, map.js) leave a keystroke there to
// the field (the browser's own undo, arrows moving the caret, letters being letters).
const TYPING = "input, textarea, select, [contenteditable]:not([contenteditable=false])";

export function typingIn(event) {
  return Boolean(event.target.closest?.(TYPING));
}
