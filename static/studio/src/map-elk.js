// Entry of the ELK layout bundle (build/static/studio/map-elk.js), loaded by map.js on the first Tidy up:
// registers the "elk" layout on the cytoscape that map-libs.js exposed.
import elk from "cytoscape-elk";

window.cytoscape.use(elk);
