// The studio scripts' words in the interface language: Django's JavaScriptCatalog (/i18n/studio.js, loaded by
// base.html before the modules run) defines gettext/ngettext/interpolate from studio/locale/*/djangojs.po;
// without it (a page that does not load it) the English text is used as it is.
const catalog = globalThis;

export const gettext = (text) => (catalog.gettext ? catalog.gettext(text) : text);

export const ngettext = (singular, plural, count) =>
  catalog.ngettext ? catalog.ngettext(singular, plural, count) : count === 1 ? singular : plural;

// "Moved %(count)s scenes." with {count: 3}: named placeholders, as in the .po files.
export const format = (text, values) => text.replace(/%\((\w+)\)s/g, (match, name) => String(values[name] ?? match));
