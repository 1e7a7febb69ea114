// The story map, drawn in the browser with cytoscape.js (canvas) from one JSON document (map.json).
//
// Contract with the rest of the studio:
// - GET  data-json-url  -> {scene_url, scenes: [{id, title, x, y, start?, ending?, ending_kind?, effects?, tags?, group?,
//                           problems?}], choices: [{id, from, to, label, conditioned?, condition?, effects?}],
//                           problems: [...]}; a field a scene or choice lacks is left out (completed() fills it in).
// - POST data-place-url {"positions": {"<scene id>": [x, y]}}  one request per drop; 400 {"error": "..."} puts the
//   scenes back and shows the reason.
// - POST data-link-url  {"from": id, "to": id | null, "x", "y", "label"}  a choice (and a new scene when `to` is null).
// - Clicking a card loads #panel with an htmx GET of the scene's URL and pushes the URL.
// - After any edit in the panel the server sends `HX-Trigger: {"story-changed": {"scenes": [ids]}}`; this script
//   listens for `story-changed` on document.body and refreshes itself from map.json in place, the view kept.
//   Until the panel sends it, an out-of-band swap of #map-changed (partials/map.html) does the same.
// - The view (zoom, pan) is kept per story and author in localStorage.
import { format, gettext, ngettext } from "./i18n.js";
import { typingIn } from "./typing.js";

const root = document.getElementById("map");
const CARD_WIDTH = 180;
const LABEL_ZOOM = 0.7;
const TAG_COLOURS = ["#d9480f", "#2b8a3e", "#1864ab", "#862e9c", "#c2255c", "#5f3dc4", "#0b7285", "#e67700"];

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
}

function say(text, isError = false) {
  const status = document.getElementById("map-status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

async function postJSON(url, body) {
  let response;
  try {
    response = await fetch(url, {method: "POST", body: JSON.stringify(body),
                                 headers: {"X-CSRFToken": csrfToken(), "Content-Type": "application/json"}});
  } catch (error) {
    console.error("map: request failed", url, error);
    throw new Error(gettext("The server could not be reached: the change was not saved."));
  }
  let data = {};
  try { data = await response.json(); } catch { /* not JSON: a generic reason below */ }
  if (!response.ok) throw new Error(data.error || format(gettext("The server refused the change (%(status)s)."), {status: response.status}));
  // Every saved change is a step of the author's history: the Undo / Redo buttons show it.
  document.body.dispatchEvent(new CustomEvent("story-edited"));
  return data;
}

function tagColour(tag) {
  let hash = 0;
  for (const letter of tag) hash = (hash * 31 + letter.charCodeAt(0)) >>> 0;
  return TAG_COLOURS[hash % TAG_COLOURS.length];
}

function kindOf(scene) {
  if (scene.start) return gettext("Start");
  if (scene.ending) return scene.ending_kind ? format(gettext("Ending · %(kind)s"), {kind: scene.ending_kind}) : gettext("Ending");
  return "";
}

function cardLabel(scene) {
  const lines = [scene.title || gettext("(untitled)")];
  const kind = kindOf(scene);
  if (kind) lines.push(kind);
  if (scene.effects) lines.push(`⚙ ${scene.effects}`);
  if (scene.problems.length) lines.push(`⚠ ${gettext("needs attention")}`);
  return lines.join("\n");
}

function accessibleName(scene) {
  const parts = [scene.title || gettext("untitled scene")];
  const kind = kindOf(scene);
  if (kind) parts.push(kind);
  // Each count its own plural (one form for both said "0 choix sortant, 0 entrants" in French).
  parts.push(format(ngettext("%(count)s choice leaves", "%(count)s choices leave", scene.out), {count: scene.out}));
  parts.push(format(ngettext("%(count)s enters", "%(count)s enter", scene.in), {count: scene.in}));
  if (scene.group) parts.push(format(gettext("in the group “%(group)s”"), {group: scene.group}));
  if (scene.effects) parts.push(format(gettext("on arrival: %(effects)s"), {effects: scene.effects}));
  if (scene.problems.length) parts.push(format(gettext("needs attention: %(problems)s"), {problems: scene.problems.join(" ")}));
  return parts.join(", ");
}

// Cards grow with their title: the height is reckoned from the lines the label wraps to (canvas labels do not
// report their size before the first draw, and cytoscape keeps a card of height 0 hidden).
const CHARS_PER_LINE = 22;
function cardHeight(scene) {
  let lines = 0;
  for (const line of cardLabel(scene).split("\n")) lines += Math.max(1, Math.ceil(line.length / CHARS_PER_LINE));
  return 16 + lines * 17;
}

// Groups (chapters) are cytoscape compound nodes: a box around their scenes, moved with them.
const GROUP_PREFIX = "group:";
function groupNames(doc) {
  return [...new Set(doc.scenes.map((scene) => scene.group).filter(Boolean))].sort();
}
const sceneNodes = () => cy.nodes("[url]");  // the cards (a group's box and the link handle have no url)

function elementsOf(doc) {
  const groups = groupNames(doc).map((name) => ({
    group: "nodes", data: {id: GROUP_PREFIX + name, name, label: name, h: 56, tag: tagColour(name)}, classes: "group",
  }));
  const nodes = doc.scenes.map((scene) => ({
    group: "nodes",
    data: {id: scene.id, label: cardLabel(scene), h: cardHeight(scene), title: scene.title, url: scene.url,
           tag: scene.tags.length ? tagColour(scene.tags[0]) : "#ced4da",
           ...(scene.group ? {parent: GROUP_PREFIX + scene.group} : {})},
    position: {x: scene.x + CARD_WIDTH / 2, y: scene.y + 32},
    classes: [scene.start && "start", scene.ending && "ending", scene.problems.length && "flagged"]
      .filter(Boolean).join(" "),
  }));
  const edges = doc.choices.map((choice) => ({
    group: "edges",
    data: {id: choice.id, source: choice.from, target: choice.to,
           label: [choice.condition && format(gettext("if %(condition)s"), {condition: choice.condition}), choice.label, choice.effects && `⚙ ${choice.effects}`]
             .filter(Boolean).join("\n"), text: choice.label},
    classes: choice.conditioned ? "conditioned" : "",
  }));
  return [...groups, ...nodes, ...edges];
}

const STYLE = [
  {selector: "node", style: {
    shape: "round-rectangle", width: CARD_WIDTH, height: "data(h)",
    "background-color": "#fff", "border-width": 2, "border-color": "data(tag)",
    label: "data(label)", "text-wrap": "wrap", "text-max-width": `${CARD_WIDTH - 14}px`, "line-height": 1.25,
    "text-valign": "center", "font-size": 13, "font-family": "system-ui, sans-serif",
    color: "#212529", "min-zoomed-font-size": 5,
  }},
  {selector: "node.start", style: {"background-color": "#ebfbee", "border-color": "#2b8a3e", "border-width": 3}},
  {selector: "node.ending", style: {"background-color": "#fff4e6"}},
  {selector: "node.flagged", style: {"border-style": "dashed", "border-color": "#c92a2a", "border-width": 3}},
  {selector: "node:selected", style: {"overlay-color": "#1c7ed6", "overlay-opacity": 0.18, "border-color": "#1c7ed6"}},
  {selector: "node.focused", style: {"outline-width": 3, "outline-color": "#1c7ed6", "outline-offset": 3,
                                      "border-color": "#1c7ed6", "border-width": 4}},
  {selector: "node.end-highlight", style: {"border-color": "#f08c00", "border-width": 4}},
  // The label's properties only where labels are shown (zoomed in): each property is applied to each arrow, and a
  // story of 2,000 scenes has 4,000 of them to style before its first frame. For the same reason no property is set
  // to cytoscape's default (padding 0, centred labels, control points 40 px apart).
  {selector: "edge", style: {
    width: 2, "line-color": "#868e96", "target-arrow-color": "#868e96", "target-arrow-shape": "triangle",
    "arrow-scale": 1.3, "curve-style": "bezier",
  }},
  {selector: "edge.labelled", style: {
    label: "data(label)", "font-size": 11, color: "#495057", "text-background-color": "#fff",
    "text-background-opacity": 0.85, "text-background-padding": "2px", "text-rotation": "autorotate",
    "text-wrap": "wrap",
  }},
  {selector: "edge.conditioned", style: {"line-style": "dashed"}},
  {selector: "edge.hover, edge:selected", style: {"line-color": "#f08c00", "target-arrow-color": "#f08c00", width: 3,
                                                  "z-index": 10}},
  {selector: ".eh-handle", style: {"background-color": "#1c7ed6", width: 14, height: 14, shape: "ellipse",
                                   "border-width": 0, label: "", padding: 0}},
  {selector: ".eh-ghost-edge, .eh-preview", style: {"line-color": "#1c7ed6", "target-arrow-color": "#1c7ed6",
                                                    "line-style": "dashed", label: ""}},
  {selector: ".eh-ghost", style: {width: 1, height: 1, opacity: 0, label: ""}},
  {selector: "node.group", style: {
    "background-color": "data(tag)", "background-opacity": 0.07, "border-color": "data(tag)", "border-width": 2,
    "border-style": "solid", "text-valign": "top", "text-halign": "center", "text-margin-y": -4, "font-size": 15,
    "font-weight": 600, color: "data(tag)", padding: 22}},
  {selector: "node.group.collapsed", style: {
    width: CARD_WIDTH, height: 56, "background-opacity": 0.22, "text-valign": "center", "text-margin-y": 0,
    label: "data(collapsedLabel)", "border-width": 3}},
  {selector: "edge.meta", style: {"line-style": "dotted"}},
  {selector: "node.heated", style: {"background-color": "data(heat)", color: "data(heatText)"}},
  {selector: "edge.heated", style: {"line-color": "data(heat)", "target-arrow-color": "data(heat)",
                                    width: "data(heatWidth)"}},
];

let embeddedDoc = (() => {
  const embedded = document.getElementById("map-data");
  if (!embedded) return null;
  embedded.remove();
  const doc = JSON.parse(embedded.textContent);
  performance.mark("map-data");  // for bench/studio_map.py: map.js has the story's document
  return doc;
})();

// A large story (600 scenes by default) is drawn the cheaper way: straight arrows, labels only where they can be read,
// and panning or zooming moves a picture of the map (edges hidden meanwhile) rather than redrawing every card.
const large = Boolean(embeddedDoc?.large);  // the server's MAP_LARGE_STORY_SCENES decides
const LARGE_STYLE = [
  {selector: "edge", style: {"curve-style": "straight"}},
  {selector: "node", style: {"min-zoomed-font-size": 9}},
];

const viewKey = `studio-map-view:${root.dataset.story}:${root.dataset.user}`;
const cy = window.cytoscape({
  container: root, style: large ? [...STYLE, ...LARGE_STYLE] : STYLE, minZoom: 0.02, maxZoom: 3,
  // "single": a click selects that card alone; Shift+click and a Shift+drag box add to the selection.
  boxSelectionEnabled: true, selectionType: "single", textureOnViewport: large, hideEdgesOnViewport: large,
});
window.storyMap = cy;  // for the tests and the bench
skipFirstStyleTriggers(cy.style());

// When cytoscape styles an element, each property it sets "triggers" the element's caches: its style cache and those
// of its arrows (a collection of them made each time), its bounds (an event each), its z-order. An element styled for
// the first time has nothing cached yet (whatever reads its bounds or its arrows' styles before applies its style
// first), so there the triggers only cost: at 2,000 scenes, 15 properties of each card and 6 of each of 4,000 arrows
// made 54,000 of them, a fifth of the first frame. Later changes (a class, a colouring, a move) trigger as before.
// Checked against cytoscape 3.35 (package-lock.json): Style.apply marks `appliedInitStyle` after the first styling.
function skipFirstStyleTriggers(style) {
  const checkTriggers = style.checkTriggers;
  if (typeof checkTriggers !== "function") return;  // another cytoscape: keep its own
  style.checkTriggers = function (ele, ...rest) {
    if (ele._private.appliedInitStyle) checkTriggers.call(this, ele, ...rest);
  };
}

function saveView() {
  localStorage.setItem(viewKey, JSON.stringify({zoom: cy.zoom(), pan: cy.pan()}));
}

function updateLabels() {
  // Only the arrows not yet as wanted: cytoscape's toggleClass restyles every element it is given, even one that
  // has the class already, and this runs at each frame of a pan or zoom.
  const show = cy.zoom() >= LABEL_ZOOM;
  cy.edges().filter((edge) => edge.hasClass("labelled") !== show).toggleClass("labelled", show);
}

// The outline's links, kept by scene id: a refresh after an edit updates the links whose name changed and lists them
// in reading order again, so the links the keyboard or a screen reader is on stay the same elements (and htmx
// processes only new ones: processing 2,000 links again took a fifth of a second per edit).
const outlineLinks = new Map();
function renderList(doc) {
  const list = document.getElementById("map-scenes");
  const items = doc.scenes.map((scene) => {
    let link = outlineLinks.get(scene.id);
    if (!link) {
      link = document.createElement("a");
      link.dataset.sceneId = scene.id;
      link.setAttribute("hx-target", "#panel");
      link.setAttribute("hx-push-url", "true");
      outlineLinks.set(scene.id, link);
    }
    if (link.getAttribute("href") !== scene.url) {
      link.href = scene.url;
      link.setAttribute("hx-get", scene.url);
      delete link.dataset.processed;
    }
    const name = accessibleName(scene);
    if (link.textContent !== name) link.textContent = name;
    return link;
  });
  const kept = new Set(doc.scenes.map((scene) => scene.id));
  for (const id of outlineLinks.keys()) if (!kept.has(id)) outlineLinks.delete(id);
  // Only when the list itself changed (a scene added, removed or reordered) are its items put in again.
  const now = [...list.children].map((item) => item.firstElementChild);
  if (now.length !== items.length || now.some((link, index) => link !== items[index])) {
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.sceneId : null;
    list.replaceChildren(...items.map((link) => {
      const item = link.parentElement?.tagName === "LI" ? link.parentElement : document.createElement("li");
      item.append(link);
      return item;
    }));
    if (focused && !list.contains(document.activeElement)) outlineLinks.get(focused)?.focus({preventScroll: true});
  }
  if (!window.htmx) return;  // (loaded before this module: never missing, but a link is marked only once processed)
  for (const link of items) {
    if (link.dataset.processed) continue;
    window.htmx.process(link);
    link.dataset.processed = "true";
  }
}

// The page embeds the document it was rendered from (one read of the story to open the map); each refresh
// after an edit fetches map.json.
async function mapDocument() {
  if (embeddedDoc) {
    const doc = embeddedDoc;
    embeddedDoc = null;
    return completed(doc);
  }
  const response = await fetch(root.dataset.jsonUrl, {headers: {Accept: "application/json"}});
  if (!response.ok) throw new Error(`map.json answered ${response.status}`);
  const doc = await response.json();
  performance.mark("map-fetched");  // for bench/studio_map.py: an edit's document has come
  return completed(doc);
}

// map.json sends only what each scene and choice has (half of a large story's document was empty fields); here
// every field is filled in, with each card's link and its counts of choices leaving and entering.
function completed(doc) {
  const counts = new Map(doc.scenes.map((scene) => [scene.id, {out: 0, in: 0}]));
  for (const choice of doc.choices) {
    counts.get(choice.from).out += 1;
    counts.get(choice.to).in += 1;
    choice.conditioned ??= false;
    choice.condition ??= "";
    choice.effects ??= "";
  }
  for (const scene of doc.scenes) {
    Object.assign(scene, counts.get(scene.id), {url: doc.scene_url.replace("{id}", scene.id)});
    scene.start ??= false;
    scene.ending ??= false;
    scene.ending_kind ??= "";
    scene.effects ??= "";
    scene.tags ??= [];
    scene.group ??= "";
    scene.problems ??= [];
  }
  return doc;
}

let loaded = false;
async function refresh() {
  let doc;
  try {
    doc = await mapDocument();
  } catch (error) {
    console.error("map: loading the story", error);
    say(gettext("The map could not be loaded. Reload the page."), true);
    return;
  }
  if (loaded) patchElements(elementsOf(doc)); else cy.add(elementsOf(doc));
  applyCollapsed();
  if (heatLayer) applyHeat();
  document.getElementById("map-group-names")?.replaceChildren(...groupNames(doc).map((name) => {
    const option = document.createElement("option");
    option.value = name;
    return option;
  }));
  markMatches();
  updateLabels();
  if (!loaded) {
    loaded = true;
    const saved = JSON.parse(localStorage.getItem(viewKey) || "null");
    if (saved) cy.viewport({zoom: saved.zoom, pan: saved.pan}); else cy.fit(undefined, 40);
    if (root.dataset.selected) cy.getElementById(root.dataset.selected).select();
    // The outline of the scenes (the keyboard's and screen readers' twin of the cards) is built once the first
    // frame is painted: 2,000 new list items before it made the browser lay the page out again mid-draw.
    let listed = false;
    const listScenes = () => {
      if (listed) return;
      listed = true;
      if (shownDoc === doc) showList(doc);  // a later refresh has listed its own
      makeMinimap();
      root.dataset.ready = "true";
    };
    cy.one("render", () => requestAnimationFrame(() => {
      performance.mark("map-drawn");  // for bench/studio_map.py: the first frame with every card was painted
      setTimeout(listScenes);
    }));
    setTimeout(listScenes, 2000);  // a map drawn hidden (no frame) still gets its outline
    shownDoc = doc;
    return;
  }
  shownDoc = doc;
  showList(doc);
  performance.mark("map-refreshed");  // for bench/studio_map.py: the map shows the edit
}

// After an edit the map is patched, not drawn again: only the cards and arrows whose drawing changed are touched,
// so an edit costs the elements it changed (removing and adding all of a 2,000-scene story's took ~1 s a time).
// What the author did to the drawn map (selection, focus, search marks, colouring) stays on the untouched elements.
const HELPERS = ".eh-handle, .eh-ghost, .eh-ghost-edge, .eh-preview";
const CLASSES_FROM_DOC = ["start", "ending", "flagged", "conditioned"];
function patchElements(wanted) {
  const ids = new Set(wanted.map((element) => element.data.id));
  cy.batch(() => {
    const added = [], addedIds = new Set();
    for (const element of wanted) {
      const current = cy.getElementById(element.data.id);
      if (current.empty()) added.push(element);
      else if (current.isEdge() && (current.data("source") !== element.data.source
                                    || current.data("target") !== element.data.target)) {
        current.remove();
        added.push(element);
      }
    }
    for (const element of added) addedIds.add(element.data.id);
    // Groups first, so that a card moved into a new group finds its box.
    cy.add(added.filter((element) => element.classes === "group"));
    cy.add(added.filter((element) => element.classes !== "group"));
    for (const element of wanted) {
      if (addedIds.has(element.data.id)) continue;
      const current = cy.getElementById(element.data.id);
      const {parent, ...data} = element.data;
      if (current.isNode() && !current.hasClass("group") && (current.data("parent") ?? null) !== (parent ?? null)) {
        current.move({parent: parent ?? null});
      }
      const changed = Object.fromEntries(Object.entries(data).filter(([key, value]) => current.data(key) !== value));
      if (Object.keys(changed).length) current.data(changed);
      const position = element.position;
      if (position && (current.position("x") !== position.x || current.position("y") !== position.y)) {
        current.position(position);
      }
      const classes = new Set(element.classes ? element.classes.split(" ") : []);
      for (const name of CLASSES_FROM_DOC) {
        if (current.hasClass(name) !== classes.has(name)) current.toggleClass(name, classes.has(name));
      }
    }
    // Removed last: a group's box removed with cards still in it would take them along.
    cy.elements().not(HELPERS).filter((element) => !ids.has(element.id()) && !element.hasClass("meta")).remove();
  });
}

let shownDoc = null;  // the document the map was last drawn from
function showList(doc) {
  renderList(doc);
  root.dataset.scenes = String(doc.scenes.length);
}

// Zoom around the pointer with the wheel and pinch comes with cytoscape; the buttons zoom around the view centre.
function zoomBy(factor) {
  cy.zoom({level: cy.zoom() * factor, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}});
}

function fitSelection() {
  const chosen = cy.$("node:selected");
  cy.fit(chosen.length ? chosen : undefined, 60);
}

function centreOfView() {
  const extent = cy.extent();
  return {x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2};
}

// A card's place as the server stores it: its top-left corner (cytoscape positions are centres).
function storedPlace(node) {
  const {x, y} = node.position();
  return [Math.round(x - CARD_WIDTH / 2), Math.round(y - 32)];
}

// One request for the places of `positions` (id -> stored place); refused or failed, the scenes go back to
// `before` (pairs of id and cytoscape position) and the map says why. True when saved.
async function savePlaces(positions, before) {
  try {
    await postJSON(root.dataset.placeUrl, {positions});
    return true;
  } catch (error) {
    for (const [id, position] of before) cy.getElementById(id).position(position);
    say(format(gettext("%(reason)s The scenes are back where they were."), {reason: error.message}), true);
    return false;
  }
}

// Drag: one scene or the selection; one request per drop; a refusal puts them back.
let grabbed = null;
cy.on("grab", "node", (event) => {
  if (grabbed) return;  // a group's box is grabbed with its scenes: one drop
  const picked = event.target.selected() ? cy.$("node:selected") : event.target;
  const nodes = picked.union(picked.descendants()).filter("[url]");
  grabbed = new Map(nodes.map((node) => [node.id(), {...node.position()}]));
});
cy.on("free", "node", async () => {
  if (!grabbed) return;
  const before = grabbed;
  grabbed = null;
  const positions = {};
  for (const id of before.keys()) {
    const node = cy.getElementById(id);
    const now = node.position();
    if (now.x !== before.get(id).x || now.y !== before.get(id).y) positions[id] = storedPlace(node);
  }
  if (!Object.keys(positions).length) return;
  if (!(await savePlaces(positions, before))) return;
  root.dataset.lastSaved = String(Date.now());
  const moved = Object.keys(positions).length;
  say(format(ngettext("Moved %(count)s scene.", "Moved %(count)s scenes.", moved), {count: moved}));
});

// A tap on a card opens its panel (htmx GET, URL pushed), as the outline's links do. The focus stays on the map
// (cytoscape keeps a click from focusing it): a panel opened with the focus nowhere took it to its "New choice"
// field, and the page scrolled the map out of view under the pointer, so the next Shift+click missed.
function openPanel(node) {
  if (!root.contains(document.activeElement)) root.focus({preventScroll: true});
  window.htmx.ajax("GET", node.data("url"), {target: "#panel"}).then(() => {
    history.pushState({}, "", node.data("url"));
  });
}
cy.on("tap", "node", (event) => {
  if (!event.target.data("url") || event.originalEvent?.shiftKey) return;
  openPanel(event.target);
});

// A double click on a group's box folds it to one card (its arrows drawn from the card, dotted) or opens it;
// what is folded is kept per story and author in this browser.
const collapsedKey = `studio-map-collapsed:${root.dataset.story}:${root.dataset.user}`;
const collapsed = new Set(JSON.parse(localStorage.getItem(collapsedKey) || "[]"));
function applyCollapsed() {
  cy.batch(() => {
    cy.edges(".meta").remove();
    // Each change only where it is one: this runs after every edit, and a style, class or data set again restyles
    // the element all the same (every card of every chapter, at each edit).
    cy.nodes(".group").forEach((box) => {
      const shut = collapsed.has(box.data("name"));
      if (box.hasClass("collapsed") !== shut) box.toggleClass("collapsed", shut);
      const display = shut ? "none" : "element";
      box.children().filter((card) => card.style("display") !== display).style("display", display);
      const count = box.children().length;
      const label = format(ngettext("%(name)s\n%(count)s scene (double-click to open)",
                                    "%(name)s\n%(count)s scenes (double-click to open)", count),
                           {name: box.data("name"), count});
      if (box.data("collapsedLabel") !== label) box.data("collapsedLabel", label);
    });
    if (!collapsed.size) return;  // no box folded: no arrow drawn from one (4,000 arrows to look at otherwise)
    const outer = (node) => (node.parent().hasClass("collapsed") ? node.parent() : node);
    const meta = new Map();
    cy.edges().not(".meta").forEach((edge) => {
      const [from, to] = [outer(edge.source()), outer(edge.target())];
      if ((from.same(edge.source()) && to.same(edge.target())) || from.same(to)) return;
      const id = `meta:${from.id()}>${to.id()}`;
      meta.set(id, {group: "edges", data: {id, source: from.id(), target: to.id(), label: ""}, classes: "meta"});
    });
    cy.add([...meta.values()]);
  });
}
function toggleGroup(box) {
  const name = box.data("name");
  if (collapsed.has(name)) collapsed.delete(name); else collapsed.add(name);
  localStorage.setItem(collapsedKey, JSON.stringify([...collapsed]));
  applyCollapsed();
  say(format(collapsed.has(name) ? gettext("“%(name)s” is folded.") : gettext("“%(name)s” is open."), {name}));
}
cy.on("dbltap", "node.group", (event) => toggleGroup(event.target));

// Heat layers colour the cards by a figure of each scene (0 to 1): white is none, deep red the most; where the layer
// has a figure per choice, the arrows grow thicker and redder with it. The legend beside the menu shows the scale.
// While the server is still working the figures out (a large story's playthroughs run as a job), it asks again.
let heatLayer = "", heatTimer = 0;
function heatColour(share) {
  const mix = (from, to) => Math.round(from + (to - from) * share);
  return `rgb(${mix(255, 201)}, ${mix(255, 42)}, ${mix(255, 42)})`;
}
function arrowColour(share) {
  const mix = (from, to) => Math.round(from + (to - from) * share);
  return `rgb(${mix(173, 201)}, ${mix(181, 42)}, ${mix(189, 42)})`;
}
function showHeatLegend(shown) {
  const legend = document.querySelector("[data-map-heat-legend]");
  if (legend) legend.hidden = !shown;
}
function clearHeat() {
  cy.batch(() => {
    cy.nodes("[url]").removeClass("heated");
    cy.edges().removeClass("heated");
  });
}
async function applyHeat() {
  clearTimeout(heatTimer);
  clearHeat();
  showHeatLegend(false);
  if (!heatLayer) { say(""); return; }
  const layer = heatLayer;
  let answer;
  try {
    const response = await fetch(`${root.dataset.heatUrl}?layer=${encodeURIComponent(layer)}`,
                                 {headers: {Accept: "application/json"}});
    answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || format(gettext("The colouring could not be loaded (%(status)s)."), {status: response.status}));
  } catch (error) {
    console.error("map: heat layer", layer, error);
    say(error instanceof TypeError ? gettext("The server could not be reached: no colouring.") : error.message, true);
    return;
  }
  if (layer !== heatLayer) return;  // the author picked another colouring meanwhile
  if (!answer.ready) {
    say(answer.legend);
    heatTimer = setTimeout(applyHeat, 2000);
    return;
  }
  const top = Math.max(0, ...Object.values(answer.scenes));
  const choices = answer.choices || {};
  const topChoice = Math.max(0, ...Object.values(choices));
  cy.batch(() => {
    sceneNodes().forEach((node) => {
      const share = top ? (answer.scenes[node.id()] || 0) / top : 0;
      node.data({heat: heatColour(share), heatText: share > 0.6 ? "#fff" : "#212529"}).addClass("heated");
    });
    if (topChoice) cy.edges("[source]").forEach((edge) => {
      if (edge.hasClass("meta")) return;  // a folded group's stand-in arrow: no choice of its own
      const share = (choices[edge.id()] || 0) / topChoice;
      edge.data({heat: arrowColour(share), heatWidth: 1 + share * 7}).addClass("heated");
    });
  });
  showHeatLegend(true);
  say(answer.legend);
}
document.querySelector("[data-map-heat]")?.addEventListener("change", (event) => {
  heatLayer = event.target.value;
  applyHeat();
});

// Group the selected scenes under a name (the toolbar's field), or take them out of their group.
async function groupSelected(name) {
  const scenes = cy.$("node:selected[url]").map((node) => node.id());
  if (!scenes.length) { say(gettext("Select scenes first (shift-click or shift-drag), then group them."), true); return; }
  try {
    const done = await postJSON(root.dataset.groupUrl, {scenes, name});
    say(format(name ? ngettext("%(count)s scene in “%(name)s”.", "%(count)s scenes in “%(name)s”.", scenes.length)
                    : ngettext("%(count)s scene out of their group.", "%(count)s scenes out of their group.", scenes.length),
               {count: scenes.length, name: done.name}));
    await refresh();
  } catch (error) { say(error.message, true); }
}
document.querySelector("[data-map-group]")?.addEventListener("submit", (event) => {
  event.preventDefault();
  groupSelected(event.target.elements.name.value.trim());
});

// Hovering an arrow highlights both of its ends.
cy.on("mouseover", "edge", (event) => {
  event.target.addClass("hover");
  event.target.connectedNodes().addClass("end-highlight");
});
cy.on("mouseout", "edge", (event) => {
  event.target.removeClass("hover");
  event.target.connectedNodes().removeClass("end-highlight");
});
cy.on("mouseover", "node", (event) => { root.title = event.target.data("title"); });
cy.on("mouseout", "node", () => { root.title = ""; });

cy.on("viewport", () => { updateLabels(); saveView(); });

// Drag to link (edgehandles): onto a scene, a choice; onto empty space, a new scene there and the choice.
// No hover delay and no snapping (a check a few times a second): a drop onto a card links to it at once;
// with either, a quick drop made a new scene in empty space instead.
const handles = cy.edgehandles({
  canConnect: (source, target) => !source.same(target) && Boolean(source.data("url") && target.data("url")),
  edgeParams: () => ({}), hoverDelay: 0, snap: false, noEdgeEventsInDraw: true,
});
let drawing = null;
cy.on("ehstart", (event, source) => { drawing = {source, linked: false}; });
cy.on("ehcomplete", async (event, source, target, added) => {
  if (drawing) drawing.linked = true;
  added.remove();
  try {
    const made = await postJSON(root.dataset.linkUrl, {from: source.id(), to: target.id()});
    say(format(gettext("Linked “%(from)s” to “%(to)s”: type the choice's label."), {from: source.data("title"), to: target.data("title")}));
    await refresh();
    editLabel(made.choice);
  } catch (error) { say(error.message, true); }
});
cy.on("ehstop", async () => {
  const state = drawing;
  drawing = null;
  if (!state || state.linked || !lastPointer || !state.source.data("url")) return;
  const source = state.source;
  const point = lastPointer;
  if (Math.hypot(point.x - source.position().x, point.y - source.position().y) < CARD_WIDTH / 2) return;
  try {
    const made = await postJSON(root.dataset.linkUrl, {from: source.id(), to: null,
                                          x: Math.round(point.x - CARD_WIDTH / 2), y: Math.round(point.y - 32)});
    say(format(gettext("Added a scene after “%(from)s”: type the choice's label."), {from: source.data("title")}));
    await refresh();
    editLabel(made.choice);
  } catch (error) { say(error.message, true); }
});
let lastPointer = null;
cy.on("vmousemove tapdrag", (event) => { lastPointer = event.position; });

// A choice just drawn gets its label typed in place, on its arrow: Enter (or leaving the field) saves it,
// Escape keeps the default label.
function editLabel(choiceId) {
  const edge = cy.getElementById(choiceId);
  if (!edge.length) return;
  const field = document.createElement("input");
  field.type = "text";
  field.className = "map-label-editor";
  field.value = edge.data("text");
  field.setAttribute("aria-label", format(gettext("Label of the choice from “%(from)s” to “%(to)s”"), {from: edge.source().data("title"), to: edge.target().data("title")}));
  const middle = edge.renderedMidpoint();
  field.style.left = `${root.offsetLeft + middle.x}px`;
  field.style.top = `${root.offsetTop + middle.y}px`;
  root.parentElement.append(field);
  field.focus();
  field.select();
  let done = false;
  async function finish(save) {
    if (done) return;
    done = true;
    const label = field.value.trim();
    field.remove();
    root.focus();
    if (!save || !label || label === edge.data("text")) return;
    try {
      await postJSON(root.dataset.labelUrl, {choice: choiceId, label});
      await refresh();
      say(format(gettext("The choice now reads “%(label)s”."), {label}));
    } catch (error) { say(error.message, true); }
  }
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); finish(true); }
    else if (event.key === "Escape") { event.preventDefault(); finish(false); }
  });
  field.addEventListener("blur", () => finish(true));
}

// Linking mode: the "Link by dragging" button, or hold Alt while dragging from a scene.
const linkButton = document.querySelector("[data-map=link]");
function setLinking(on) {
  if (on) handles.enableDrawMode(); else handles.disableDrawMode();
  linkButton?.setAttribute("aria-pressed", String(on));
  root.classList.toggle("linking", on);
}
let linkToggled = false;
linkButton?.addEventListener("click", () => { linkToggled = !linkToggled; setLinking(linkToggled); });
document.addEventListener("keydown", (event) => { if (event.key === "Alt" && !linkToggled) setLinking(true); });
document.addEventListener("keyup", (event) => { if (event.key === "Alt" && !linkToggled) setLinking(false); });

// Tidy up with ELK's layered layout, saved through the same positions endpoint: one step of the history.
let beforeLayout = null;
let elkLoading = null;
function loadElk() {  // map-elk.js, the layout's own bundle, the first time only
  elkLoading ??= new Promise((loaded, failed) => {
    const script = document.createElement("script");
    script.src = root.dataset.elkUrl;
    script.onload = loaded;
    script.onerror = () => { elkLoading = null; failed(new Error(gettext("The layout could not be loaded: try again."))); };
    document.head.append(script);
  });
  return elkLoading;
}
async function tidyUp() {
  try {
    say(gettext("Tidying up…"));
    await loadElk();
  } catch (error) {
    console.error("map: loading ELK", error);
    say(error.message, true);
    return;
  }
  if (collapsed.size) { collapsed.clear(); localStorage.setItem(collapsedKey, "[]"); applyCollapsed(); }
  cy.edges(".meta").remove();
  beforeLayout = Object.fromEntries(sceneNodes().map((node) => [node.id(), {...node.position()}]));
  const layout = cy.nodes().not(".eh-handle").union(cy.edges()).layout({
    name: "elk", fit: true, padding: 40, animate: false,
    elk: {algorithm: "layered", "elk.direction": "RIGHT", "elk.spacing.nodeNode": 30,
          "elk.layered.spacing.nodeNodeBetweenLayers": 80},
  });
  const done = layout.promiseOn("layoutstop");
  layout.run();
  await done;
  const positions = Object.fromEntries(sceneNodes().map((node) => [node.id(), storedPlace(node)]));
  if (await savePlaces(positions, Object.entries(beforeLayout))) {
    say(gettext("The map is tidied up, left to right. Undo puts every scene back."));
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-map]");
  if (!button) return;
  const action = button.dataset.map;
  if (action === "fit") cy.fit(undefined, 40);
  else if (action === "fit-selection") fitSelection();
  else if (action === "zoom-in") zoomBy(1.25);
  else if (action === "zoom-out") zoomBy(0.8);
  else if (action === "layout") tidyUp();
  else if (action === "ungroup") groupSelected("");
});

// New scenes ("Add a scene") go next to the selected scene, or to the centre of the view: below the cards already
// there (three scenes added in a row were drawn on one spot, one card showing where three were).
function freePlace(where) {
  const taken = cy.nodes("[url]").map((node) => node.boundingBox());
  const overlaps = (x, y) => taken.some((box) => x + CARD_WIDTH / 2 > box.x1 && x - CARD_WIDTH / 2 < box.x2
                                               && y + 40 > box.y1 && y - 40 < box.y2);
  let {x, y} = where;
  for (let tries = 0; tries < 50 && overlaps(x, y); tries += 1) y += 90;
  return {x, y};
}

document.addEventListener("submit", (event) => {
  if (event.target.getAttribute("action") !== root.dataset.addUrl) return;
  const selected = cy.$("node:selected").first();
  const where = freePlace(selected.length ? {x: selected.position().x + CARD_WIDTH + 60, y: selected.position().y}
                                          : centreOfView());
  for (const [name, value] of [["x", where.x - CARD_WIDTH / 2], ["y", where.y - 32]]) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value.toFixed(1);
    event.target.append(input);
  }
});

// Keyboard: the map pans with the arrow keys; in the list of scenes (the map's focusable twin) the arrow keys
// follow choices (right: a choice leaving, left: a choice entering, up/down: siblings), Enter opens the panel.
root.addEventListener("keydown", (event) => {
  if (event.shiftKey && event.key.startsWith("Arrow")) return;  // Shift+arrows move the selected scene
  const step = 60;
  const moves = {ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step]};
  if (moves[event.key]) { cy.panBy({x: moves[event.key][0], y: moves[event.key][1]}); event.preventDefault(); }
  else if (event.key === "+" || event.key === "=") zoomBy(1.25);
  else if (event.key === "-") zoomBy(0.8);
  else if (event.key === "0") cy.fit(undefined, 40);
});

const sceneList = document.getElementById("map-scenes");
function focusScene(id) {
  sceneList.querySelector(`a[data-scene-id="${id}"]`)?.focus();
}
sceneList.addEventListener("focusin", (event) => {
  const node = cy.getElementById(event.target.dataset.sceneId);
  cy.nodes().removeClass("focused");
  node.addClass("focused");
  const box = node.renderedBoundingBox();
  if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) cy.center(node);
});
sceneList.addEventListener("focusout", () => cy.nodes().removeClass("focused"));
sceneList.addEventListener("keydown", (event) => {
  const link = event.target.closest("a[data-scene-id]");
  if (!link || event.shiftKey) return;
  const node = cy.getElementById(link.dataset.sceneId);
  let next = null;
  if (event.key === "ArrowRight") next = node.outgoers("node").first();
  else if (event.key === "ArrowLeft") next = node.incomers("node").first();
  else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    const siblings = node.incomers("node").first().outgoers("node");
    const index = siblings.indexOf(node);
    if (index >= 0) next = siblings[(index + (event.key === "ArrowDown" ? 1 : siblings.length - 1)) % siblings.length];
  }
  if (next && next.length) { focusScene(next.id()); event.preventDefault(); }
});

// The minimap is made once the map's first frame is painted (refresh): made before, it listened to every card and
// arrow added and drew its thumbnail of the whole story before the map itself.
const minimap = document.getElementById("map-minimap");
let minimapMade = false;
function makeMinimap() {
  if (minimapMade || !cy.navigator || !minimap) return;
  minimapMade = true;
  keepMinimapOffTheFrames(cy.navigator({container: "#map-minimap", viewLiveFramerate: 0}));
  // Its thumbnail is an image with no picture until its first drawing: with the navigator's alt text ("Graph
  // navigator", English) the browser showed a broken image there. The minimap is a picture for the mouse only.
  minimap.querySelector("img")?.setAttribute("alt", "");
}

// cytoscape-navigator redraws its thumbnail as a PNG of the whole story on every render of the map (at most every
// rerenderDelay ms): at 2,000 scenes one PNG takes a few hundred ms, so while a card was dragged it took most frames.
// Here the thumbnail is redrawn once the map has been still for a moment after its cards changed; the view's frame
// on the minimap still follows every pan and zoom (the navigator's own zoom/pan listener).
function keepMinimapOffTheFrames(navigator) {
  const redraw = navigator._onRenderHandler;
  if (typeof redraw !== "function") return;  // another navigator version: keep its own rhythm
  cy.offRender(redraw);
  let changed = true, timer = 0;
  cy.on("add remove position data style", () => { changed = true; });
  cy.onRender(() => {
    if (!changed) return;
    clearTimeout(timer);
    timer = setTimeout(() => { changed = false; redraw(); }, 300);
  });
}

// Moving the selected scene with the keyboard: Shift+arrow moves it (or the selected scenes) by one grid step,
// saved through the same endpoint as a drop, so each move is one step of the history (Ctrl+Z puts it back).
const GRID_STEP = 40;
function scenesToMove() {
  const focused = document.activeElement?.closest?.("#map-scenes a[data-scene-id]");
  if (focused) return cy.getElementById(focused.dataset.sceneId);
  return cy.$("node:selected[url]");
}
async function moveByKeyboard(dx, dy) {
  const nodes = scenesToMove();
  if (!nodes.length) { say(root.dataset.saidPick, true); return; }
  const before = new Map(nodes.map((node) => [node.id(), {...node.position()}]));
  const positions = {};
  nodes.forEach((node) => {
    node.position({x: node.position().x + dx, y: node.position().y + dy});
    positions[node.id()] = storedPlace(node);
  });
  const box = nodes.renderedBoundingBox();
  if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) cy.center(nodes);
  if (!(await savePlaces(positions, before))) return;
  root.dataset.lastSaved = String(Date.now());
  const title = nodes.length === 1 ? nodes.first().data("title") : `${nodes.length}`;
  say(root.dataset.saidMoved.replace("{title}", title));
}
document.addEventListener("keydown", (event) => {
  const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
  if (!event.shiftKey || event.ctrlKey || event.metaKey || event.altKey || !moves[event.key]) return;
  if (typingIn(event) || document.querySelector("dialog[open]")) return;
  event.preventDefault();
  moveByKeyboard(moves[event.key][0] * GRID_STEP, moves[event.key][1] * GRID_STEP);
});

// Search: as the author types, the scenes whose title, text or choice labels match are highlighted and the others
// dimmed (the server matches: map.json carries no texts); Enter goes to the next match (Shift+Enter the previous),
// centring it and selecting it; Escape clears. Without JavaScript the form lists the matches beside the map.
const searchForm = document.querySelector("[data-map-search]");
const searchField = searchForm?.elements.q;
let matches = [];  // scene ids, in reading order
let matchIndex = -1;
let searchedFor = "";
function markMatches() {
  cy.batch(() => {
    cy.$(".match, .dimmed, .current-match").removeClass("match dimmed current-match");
    if (!searchedFor) return;
    const found = new Set(matches);
    sceneNodes().forEach((node) => node.addClass(found.has(node.id()) ? "match" : "dimmed"));
    cy.edges().addClass("dimmed");
    if (matchIndex >= 0) cy.getElementById(matches[matchIndex]).addClass("current-match");
  });
  root.dataset.matches = searchedFor ? String(matches.length) : "";
}
function sayCount() {
  const said = searchForm.dataset;
  if (!matches.length) say(said.saidNone.replace("{query}", searchedFor));
  else say((matches.length === 1 ? said.saidOne : said.saidMany).replace("{count}", String(matches.length)));
}
async function search(query) {
  query = query.trim();
  if (!query) { clearSearch(false); return; }
  const address = new URL(root.dataset.searchUrl, window.location.href);
  address.searchParams.set("q", query);
  let answer;
  try {
    const response = await fetch(address, {headers: {Accept: "application/json"}});
    answer = await response.json();
    if (!response.ok) throw new Error(answer.error || String(response.status));
  } catch (error) {
    console.error("map: search failed", query, error);
    say(searchForm.dataset.saidFailed, true);
    return;
  }
  if (searchField.value.trim() !== query) return;  // typed on since: a newer search follows
  matches = answer.scenes.filter((id) => cy.getElementById(id).length);
  matchIndex = -1;
  searchedFor = query;
  markMatches();
  sayCount();
}
function clearSearch(emptyField = true) {
  if (emptyField) searchField.value = "";
  matches = [];
  matchIndex = -1;
  searchedFor = "";
  markMatches();
  say("");
}
async function goToMatch(offset) {
  if (searchField.value.trim() !== searchedFor) await search(searchField.value);
  if (!matches.length) return;
  matchIndex = (matchIndex + offset + matches.length) % matches.length;
  const node = cy.getElementById(matches[matchIndex]);
  cy.$("node:selected").unselect();
  node.select();
  cy.center(node);
  markMatches();
  say(searchForm.dataset.saidAt.replace("{index}", String(matchIndex + 1))
    .replace("{count}", String(matches.length)).replace("{title}", node.data("title")));
}
function setUpSearch() {
  if (!searchForm) return;
  for (const [selector, style] of [
    ["node.dimmed", {opacity: 0.25}],
    ["edge.dimmed", {opacity: 0.15}],
    ["node.match", {"border-color": "#e8590c", "border-width": 4}],
    ["node.current-match", {"border-color": "#e8590c", "border-width": 6, "overlay-color": "#e8590c",
                            "overlay-opacity": 0.15}],
  ]) cy.style().selector(selector).style(style);
  cy.style().update();
  let timer = null;
  searchField.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(searchField.value), 150);
  });
  searchField.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();  // the panel stays open (panel.js closes it on Escape)
      clearSearch();
    } else if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      goToMatch(event.shiftKey ? -1 : 1);
    }
  });
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    goToMatch(1);
  });
  if (searchField.value.trim()) search(searchField.value);
}
setUpSearch();

document.body.addEventListener("story-changed", () => refresh());
// After an undo or a redo (#history says which step), what the map said of the step before ("The map is tidied
// up…", "Moved 3 scenes") no longer holds.
document.body.addEventListener("history-step", () => say(""));
document.body.addEventListener("htmx:oobAfterSwap", (event) => {
  if (event.detail.target?.id === "map-changed") refresh();
});

refresh();
