/** POST /wxa/getwxacodeunlimit: a PNG on success, JSON with errcode on failure. */
import { argumentInvalid, WechatErrcode, wxError } from '../errors';
import { fail, parseJsonObject, png } from '../http-io';
import { renderWxacode } from '../wxacode-image';
import { appFromAccessToken, Endpoint } from './endpoint';

const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
const ENV_VERSIONS = ['release', 'trial', 'develop'];
const DEFAULT_WIDTH = 430;
const MIN_WIDTH = 280;
const MAX_WIDTH = 1280;

export const getWxacodeUnlimit: Endpoint = (request, state) => {
  const app = appFromAccessToken(request, state);
  if (!app.ok) return fail(app.error);
  const body = parseJsonObject(request.body);
  if (!body) return fail(wxError(WechatErrcode.DATA_FORMAT_ERROR));

  const { scene, page = '', check_path: checkPath = true, env_version: envVersion = 'release', width } = body;
  if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32) {
    return fail(wxError(WechatErrcode.INVALID_SCENE));
  }
  if (!SCENE_CHARS.test(scene)) return fail(argumentInvalid('scene'));

  if (typeof checkPath !== 'boolean') return fail(argumentInvalid('check_path'));
  if (typeof page !== 'string') return fail(argumentInvalid('page'));
  // An empty page opens the home page. Pages take no leading "/" and no query (that is the scene's job).
  const pageOk =
    page === '' ||
    (checkPath ? state.pages.isPublished(page) : /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/.test(page));
  if (!pageOk) return fail(wxError(WechatErrcode.INVALID_PAGE));

  if (typeof envVersion !== 'string' || !ENV_VERSIONS.includes(envVersion)) return fail(argumentInvalid('env_version'));
  if (width !== undefined && (typeof width !== 'number' || !Number.isFinite(width))) return fail(argumentInvalid('width'));
  const size = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(width ?? DEFAULT_WIDTH)));

  return png(renderWxacode({ appId: app.value.appId, scene, page, envVersion }, size));
};
