// Entry of the map's library bundle (built by `make js` with esbuild into build/static/studio/map-libs.js):
// cytoscape with its extensions registered, exposed as window.cytoscape. ELK (for Tidy up, 1.6 MB of the 2 MB the
// libraries weigh) is a bundle of its own, map-elk.js, loaded the first time an author tidies up: every page
// opening the map no longer parses it.
import cytoscape from "cytoscape";
import edgehandles from "cytoscape-edgehandles";
import navigator from "cytoscape-navigator";

cytoscape.use(edgehandles);
navigator(cytoscape);
window.cytoscape = cytoscape;
