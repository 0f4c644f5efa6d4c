/* pingyi — the one way our scripts translate their strings.
 *
 * A string is written in English in the module itself, as gettext('…') with a literal, so
 * that `makemessages --domain=djangojs` finds it (locale/<lang>/LC_MESSAGES/djangojs.po).
 * The page carries the translations its modules need in the JSON data island #i18n,
 * {English: translated}, rendered on the server by {% js_module %} (pingyi/core/js.py): no
 * request of its own, so a page kept by a service worker is translated offline too. A string
 * the island lacks shows its English.
 */
import { readJSON } from './dom.js';

const CATALOGUE = readJSON('i18n');

/** The translation of `msgid`, with every %(name)s (or %(name)d) filled from `params`. */
export function gettext(msgid, params) {
  let text = Object.prototype.hasOwnProperty.call(CATALOGUE, msgid) ? CATALOGUE[msgid] : msgid;
  if (params) {
    text = text.replace(/%\((\w+)\)[sd]/g, function (all, name) {
      return params[name] === undefined || params[name] === null ? all : String(params[name]);
    });
  }
  return text;
}
