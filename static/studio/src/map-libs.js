// Entry of the map's library bundle (built by `make js` with esbuild into var/vendor/studio/map-libs.js):
// cytoscape with its extensions registered, exposed as window.cytoscape.
import cytoscape from "cytoscape";
import edgehandles from "cytoscape-edgehandles";
import navigator from "cytoscape-navigator";
import elk from "cytoscape-elk";

cytoscape.use(edgehandles);
navigator(cytoscape);
cytoscape.use(elk);
window.cytoscape = cytoscape;
