import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  MemoryNodeLockStore,
  ioredis,
  isRedisUrl,
  redisTarget
} from "./chunk-UEP46UPC.js";
import {
  agentIdSchema,
  epochMsSchema,
  ownerOf,
  ownersOf,
  planRenewals,
  profileIdSchema,
  profileMatches,
  providerOfProfile,
  renewalCovers
} from "./chunk-44LPVHFG.js";
import {
  __commonJS,
  __toESM,
  external_exports
} from "./chunk-HVRUCNZB.js";

// node_modules/json5/lib/unicode.js
var require_unicode = __commonJS({
  "node_modules/json5/lib/unicode.js"(exports2, module2) {
    module2.exports.Space_Separator = /[\u1680\u2000-\u200A\u202F\u205F\u3000]/;
    module2.exports.ID_Start = /[\xAA\xB5\xBA\xC0-\xD6\xD8-\xF6\xF8-\u02C1\u02C6-\u02D1\u02E0-\u02E4\u02EC\u02EE\u0370-\u0374\u0376\u0377\u037A-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u0559\u0561-\u0587\u05D0-\u05EA\u05F0-\u05F2\u0620-\u064A\u066E\u066F\u0671-\u06D3\u06D5\u06E5\u06E6\u06EE\u06EF\u06FA-\u06FC\u06FF\u0710\u0712-\u072F\u074D-\u07A5\u07B1\u07CA-\u07EA\u07F4\u07F5\u07FA\u0800-\u0815\u081A\u0824\u0828\u0840-\u0858\u0860-\u086A\u08A0-\u08B4\u08B6-\u08BD\u0904-\u0939\u093D\u0950\u0958-\u0961\u0971-\u0980\u0985-\u098C\u098F\u0990\u0993-\u09A8\u09AA-\u09B0\u09B2\u09B6-\u09B9\u09BD\u09CE\u09DC\u09DD\u09DF-\u09E1\u09F0\u09F1\u09FC\u0A05-\u0A0A\u0A0F\u0A10\u0A13-\u0A28\u0A2A-\u0A30\u0A32\u0A33\u0A35\u0A36\u0A38\u0A39\u0A59-\u0A5C\u0A5E\u0A72-\u0A74\u0A85-\u0A8D\u0A8F-\u0A91\u0A93-\u0AA8\u0AAA-\u0AB0\u0AB2\u0AB3\u0AB5-\u0AB9\u0ABD\u0AD0\u0AE0\u0AE1\u0AF9\u0B05-\u0B0C\u0B0F\u0B10\u0B13-\u0B28\u0B2A-\u0B30\u0B32\u0B33\u0B35-\u0B39\u0B3D\u0B5C\u0B5D\u0B5F-\u0B61\u0B71\u0B83\u0B85-\u0B8A\u0B8E-\u0B90\u0B92-\u0B95\u0B99\u0B9A\u0B9C\u0B9E\u0B9F\u0BA3\u0BA4\u0BA8-\u0BAA\u0BAE-\u0BB9\u0BD0\u0C05-\u0C0C\u0C0E-\u0C10\u0C12-\u0C28\u0C2A-\u0C39\u0C3D\u0C58-\u0C5A\u0C60\u0C61\u0C80\u0C85-\u0C8C\u0C8E-\u0C90\u0C92-\u0CA8\u0CAA-\u0CB3\u0CB5-\u0CB9\u0CBD\u0CDE\u0CE0\u0CE1\u0CF1\u0CF2\u0D05-\u0D0C\u0D0E-\u0D10\u0D12-\u0D3A\u0D3D\u0D4E\u0D54-\u0D56\u0D5F-\u0D61\u0D7A-\u0D7F\u0D85-\u0D96\u0D9A-\u0DB1\u0DB3-\u0DBB\u0DBD\u0DC0-\u0DC6\u0E01-\u0E30\u0E32\u0E33\u0E40-\u0E46\u0E81\u0E82\u0E84\u0E87\u0E88\u0E8A\u0E8D\u0E94-\u0E97\u0E99-\u0E9F\u0EA1-\u0EA3\u0EA5\u0EA7\u0EAA\u0EAB\u0EAD-\u0EB0\u0EB2\u0EB3\u0EBD\u0EC0-\u0EC4\u0EC6\u0EDC-\u0EDF\u0F00\u0F40-\u0F47\u0F49-\u0F6C\u0F88-\u0F8C\u1000-\u102A\u103F\u1050-\u1055\u105A-\u105D\u1061\u1065\u1066\u106E-\u1070\u1075-\u1081\u108E\u10A0-\u10C5\u10C7\u10CD\u10D0-\u10FA\u10FC-\u1248\u124A-\u124D\u1250-\u1256\u1258\u125A-\u125D\u1260-\u1288\u128A-\u128D\u1290-\u12B0\u12B2-\u12B5\u12B8-\u12BE\u12C0\u12C2-\u12C5\u12C8-\u12D6\u12D8-\u1310\u1312-\u1315\u1318-\u135A\u1380-\u138F\u13A0-\u13F5\u13F8-\u13FD\u1401-\u166C\u166F-\u167F\u1681-\u169A\u16A0-\u16EA\u16EE-\u16F8\u1700-\u170C\u170E-\u1711\u1720-\u1731\u1740-\u1751\u1760-\u176C\u176E-\u1770\u1780-\u17B3\u17D7\u17DC\u1820-\u1877\u1880-\u1884\u1887-\u18A8\u18AA\u18B0-\u18F5\u1900-\u191E\u1950-\u196D\u1970-\u1974\u1980-\u19AB\u19B0-\u19C9\u1A00-\u1A16\u1A20-\u1A54\u1AA7\u1B05-\u1B33\u1B45-\u1B4B\u1B83-\u1BA0\u1BAE\u1BAF\u1BBA-\u1BE5\u1C00-\u1C23\u1C4D-\u1C4F\u1C5A-\u1C7D\u1C80-\u1C88\u1CE9-\u1CEC\u1CEE-\u1CF1\u1CF5\u1CF6\u1D00-\u1DBF\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2071\u207F\u2090-\u209C\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2139\u213C-\u213F\u2145-\u2149\u214E\u2160-\u2188\u2C00-\u2C2E\u2C30-\u2C5E\u2C60-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\u2D00-\u2D25\u2D27\u2D2D\u2D30-\u2D67\u2D6F\u2D80-\u2D96\u2DA0-\u2DA6\u2DA8-\u2DAE\u2DB0-\u2DB6\u2DB8-\u2DBE\u2DC0-\u2DC6\u2DC8-\u2DCE\u2DD0-\u2DD6\u2DD8-\u2DDE\u2E2F\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303C\u3041-\u3096\u309D-\u309F\u30A1-\u30FA\u30FC-\u30FF\u3105-\u312E\u3131-\u318E\u31A0-\u31BA\u31F0-\u31FF\u3400-\u4DB5\u4E00-\u9FEA\uA000-\uA48C\uA4D0-\uA4FD\uA500-\uA60C\uA610-\uA61F\uA62A\uA62B\uA640-\uA66E\uA67F-\uA69D\uA6A0-\uA6EF\uA717-\uA71F\uA722-\uA788\uA78B-\uA7AE\uA7B0-\uA7B7\uA7F7-\uA801\uA803-\uA805\uA807-\uA80A\uA80C-\uA822\uA840-\uA873\uA882-\uA8B3\uA8F2-\uA8F7\uA8FB\uA8FD\uA90A-\uA925\uA930-\uA946\uA960-\uA97C\uA984-\uA9B2\uA9CF\uA9E0-\uA9E4\uA9E6-\uA9EF\uA9FA-\uA9FE\uAA00-\uAA28\uAA40-\uAA42\uAA44-\uAA4B\uAA60-\uAA76\uAA7A\uAA7E-\uAAAF\uAAB1\uAAB5\uAAB6\uAAB9-\uAABD\uAAC0\uAAC2\uAADB-\uAADD\uAAE0-\uAAEA\uAAF2-\uAAF4\uAB01-\uAB06\uAB09-\uAB0E\uAB11-\uAB16\uAB20-\uAB26\uAB28-\uAB2E\uAB30-\uAB5A\uAB5C-\uAB65\uAB70-\uABE2\uAC00-\uD7A3\uD7B0-\uD7C6\uD7CB-\uD7FB\uF900-\uFA6D\uFA70-\uFAD9\uFB00-\uFB06\uFB13-\uFB17\uFB1D\uFB1F-\uFB28\uFB2A-\uFB36\uFB38-\uFB3C\uFB3E\uFB40\uFB41\uFB43\uFB44\uFB46-\uFBB1\uFBD3-\uFD3D\uFD50-\uFD8F\uFD92-\uFDC7\uFDF0-\uFDFB\uFE70-\uFE74\uFE76-\uFEFC\uFF21-\uFF3A\uFF41-\uFF5A\uFF66-\uFFBE\uFFC2-\uFFC7\uFFCA-\uFFCF\uFFD2-\uFFD7\uFFDA-\uFFDC]|\uD800[\uDC00-\uDC0B\uDC0D-\uDC26\uDC28-\uDC3A\uDC3C\uDC3D\uDC3F-\uDC4D\uDC50-\uDC5D\uDC80-\uDCFA\uDD40-\uDD74\uDE80-\uDE9C\uDEA0-\uDED0\uDF00-\uDF1F\uDF2D-\uDF4A\uDF50-\uDF75\uDF80-\uDF9D\uDFA0-\uDFC3\uDFC8-\uDFCF\uDFD1-\uDFD5]|\uD801[\uDC00-\uDC9D\uDCB0-\uDCD3\uDCD8-\uDCFB\uDD00-\uDD27\uDD30-\uDD63\uDE00-\uDF36\uDF40-\uDF55\uDF60-\uDF67]|\uD802[\uDC00-\uDC05\uDC08\uDC0A-\uDC35\uDC37\uDC38\uDC3C\uDC3F-\uDC55\uDC60-\uDC76\uDC80-\uDC9E\uDCE0-\uDCF2\uDCF4\uDCF5\uDD00-\uDD15\uDD20-\uDD39\uDD80-\uDDB7\uDDBE\uDDBF\uDE00\uDE10-\uDE13\uDE15-\uDE17\uDE19-\uDE33\uDE60-\uDE7C\uDE80-\uDE9C\uDEC0-\uDEC7\uDEC9-\uDEE4\uDF00-\uDF35\uDF40-\uDF55\uDF60-\uDF72\uDF80-\uDF91]|\uD803[\uDC00-\uDC48\uDC80-\uDCB2\uDCC0-\uDCF2]|\uD804[\uDC03-\uDC37\uDC83-\uDCAF\uDCD0-\uDCE8\uDD03-\uDD26\uDD50-\uDD72\uDD76\uDD83-\uDDB2\uDDC1-\uDDC4\uDDDA\uDDDC\uDE00-\uDE11\uDE13-\uDE2B\uDE80-\uDE86\uDE88\uDE8A-\uDE8D\uDE8F-\uDE9D\uDE9F-\uDEA8\uDEB0-\uDEDE\uDF05-\uDF0C\uDF0F\uDF10\uDF13-\uDF28\uDF2A-\uDF30\uDF32\uDF33\uDF35-\uDF39\uDF3D\uDF50\uDF5D-\uDF61]|\uD805[\uDC00-\uDC34\uDC47-\uDC4A\uDC80-\uDCAF\uDCC4\uDCC5\uDCC7\uDD80-\uDDAE\uDDD8-\uDDDB\uDE00-\uDE2F\uDE44\uDE80-\uDEAA\uDF00-\uDF19]|\uD806[\uDCA0-\uDCDF\uDCFF\uDE00\uDE0B-\uDE32\uDE3A\uDE50\uDE5C-\uDE83\uDE86-\uDE89\uDEC0-\uDEF8]|\uD807[\uDC00-\uDC08\uDC0A-\uDC2E\uDC40\uDC72-\uDC8F\uDD00-\uDD06\uDD08\uDD09\uDD0B-\uDD30\uDD46]|\uD808[\uDC00-\uDF99]|\uD809[\uDC00-\uDC6E\uDC80-\uDD43]|[\uD80C\uD81C-\uD820\uD840-\uD868\uD86A-\uD86C\uD86F-\uD872\uD874-\uD879][\uDC00-\uDFFF]|\uD80D[\uDC00-\uDC2E]|\uD811[\uDC00-\uDE46]|\uD81A[\uDC00-\uDE38\uDE40-\uDE5E\uDED0-\uDEED\uDF00-\uDF2F\uDF40-\uDF43\uDF63-\uDF77\uDF7D-\uDF8F]|\uD81B[\uDF00-\uDF44\uDF50\uDF93-\uDF9F\uDFE0\uDFE1]|\uD821[\uDC00-\uDFEC]|\uD822[\uDC00-\uDEF2]|\uD82C[\uDC00-\uDD1E\uDD70-\uDEFB]|\uD82F[\uDC00-\uDC6A\uDC70-\uDC7C\uDC80-\uDC88\uDC90-\uDC99]|\uD835[\uDC00-\uDC54\uDC56-\uDC9C\uDC9E\uDC9F\uDCA2\uDCA5\uDCA6\uDCA9-\uDCAC\uDCAE-\uDCB9\uDCBB\uDCBD-\uDCC3\uDCC5-\uDD05\uDD07-\uDD0A\uDD0D-\uDD14\uDD16-\uDD1C\uDD1E-\uDD39\uDD3B-\uDD3E\uDD40-\uDD44\uDD46\uDD4A-\uDD50\uDD52-\uDEA5\uDEA8-\uDEC0\uDEC2-\uDEDA\uDEDC-\uDEFA\uDEFC-\uDF14\uDF16-\uDF34\uDF36-\uDF4E\uDF50-\uDF6E\uDF70-\uDF88\uDF8A-\uDFA8\uDFAA-\uDFC2\uDFC4-\uDFCB]|\uD83A[\uDC00-\uDCC4\uDD00-\uDD43]|\uD83B[\uDE00-\uDE03\uDE05-\uDE1F\uDE21\uDE22\uDE24\uDE27\uDE29-\uDE32\uDE34-\uDE37\uDE39\uDE3B\uDE42\uDE47\uDE49\uDE4B\uDE4D-\uDE4F\uDE51\uDE52\uDE54\uDE57\uDE59\uDE5B\uDE5D\uDE5F\uDE61\uDE62\uDE64\uDE67-\uDE6A\uDE6C-\uDE72\uDE74-\uDE77\uDE79-\uDE7C\uDE7E\uDE80-\uDE89\uDE8B-\uDE9B\uDEA1-\uDEA3\uDEA5-\uDEA9\uDEAB-\uDEBB]|\uD869[\uDC00-\uDED6\uDF00-\uDFFF]|\uD86D[\uDC00-\uDF34\uDF40-\uDFFF]|\uD86E[\uDC00-\uDC1D\uDC20-\uDFFF]|\uD873[\uDC00-\uDEA1\uDEB0-\uDFFF]|\uD87A[\uDC00-\uDFE0]|\uD87E[\uDC00-\uDE1D]/;
    module2.exports.ID_Continue = /[\xAA\xB5\xBA\xC0-\xD6\xD8-\xF6\xF8-\u02C1\u02C6-\u02D1\u02E0-\u02E4\u02EC\u02EE\u0300-\u0374\u0376\u0377\u037A-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u0483-\u0487\u048A-\u052F\u0531-\u0556\u0559\u0561-\u0587\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7\u05D0-\u05EA\u05F0-\u05F2\u0610-\u061A\u0620-\u0669\u066E-\u06D3\u06D5-\u06DC\u06DF-\u06E8\u06EA-\u06FC\u06FF\u0710-\u074A\u074D-\u07B1\u07C0-\u07F5\u07FA\u0800-\u082D\u0840-\u085B\u0860-\u086A\u08A0-\u08B4\u08B6-\u08BD\u08D4-\u08E1\u08E3-\u0963\u0966-\u096F\u0971-\u0983\u0985-\u098C\u098F\u0990\u0993-\u09A8\u09AA-\u09B0\u09B2\u09B6-\u09B9\u09BC-\u09C4\u09C7\u09C8\u09CB-\u09CE\u09D7\u09DC\u09DD\u09DF-\u09E3\u09E6-\u09F1\u09FC\u0A01-\u0A03\u0A05-\u0A0A\u0A0F\u0A10\u0A13-\u0A28\u0A2A-\u0A30\u0A32\u0A33\u0A35\u0A36\u0A38\u0A39\u0A3C\u0A3E-\u0A42\u0A47\u0A48\u0A4B-\u0A4D\u0A51\u0A59-\u0A5C\u0A5E\u0A66-\u0A75\u0A81-\u0A83\u0A85-\u0A8D\u0A8F-\u0A91\u0A93-\u0AA8\u0AAA-\u0AB0\u0AB2\u0AB3\u0AB5-\u0AB9\u0ABC-\u0AC5\u0AC7-\u0AC9\u0ACB-\u0ACD\u0AD0\u0AE0-\u0AE3\u0AE6-\u0AEF\u0AF9-\u0AFF\u0B01-\u0B03\u0B05-\u0B0C\u0B0F\u0B10\u0B13-\u0B28\u0B2A-\u0B30\u0B32\u0B33\u0B35-\u0B39\u0B3C-\u0B44\u0B47\u0B48\u0B4B-\u0B4D\u0B56\u0B57\u0B5C\u0B5D\u0B5F-\u0B63\u0B66-\u0B6F\u0B71\u0B82\u0B83\u0B85-\u0B8A\u0B8E-\u0B90\u0B92-\u0B95\u0B99\u0B9A\u0B9C\u0B9E\u0B9F\u0BA3\u0BA4\u0BA8-\u0BAA\u0BAE-\u0BB9\u0BBE-\u0BC2\u0BC6-\u0BC8\u0BCA-\u0BCD\u0BD0\u0BD7\u0BE6-\u0BEF\u0C00-\u0C03\u0C05-\u0C0C\u0C0E-\u0C10\u0C12-\u0C28\u0C2A-\u0C39\u0C3D-\u0C44\u0C46-\u0C48\u0C4A-\u0C4D\u0C55\u0C56\u0C58-\u0C5A\u0C60-\u0C63\u0C66-\u0C6F\u0C80-\u0C83\u0C85-\u0C8C\u0C8E-\u0C90\u0C92-\u0CA8\u0CAA-\u0CB3\u0CB5-\u0CB9\u0CBC-\u0CC4\u0CC6-\u0CC8\u0CCA-\u0CCD\u0CD5\u0CD6\u0CDE\u0CE0-\u0CE3\u0CE6-\u0CEF\u0CF1\u0CF2\u0D00-\u0D03\u0D05-\u0D0C\u0D0E-\u0D10\u0D12-\u0D44\u0D46-\u0D48\u0D4A-\u0D4E\u0D54-\u0D57\u0D5F-\u0D63\u0D66-\u0D6F\u0D7A-\u0D7F\u0D82\u0D83\u0D85-\u0D96\u0D9A-\u0DB1\u0DB3-\u0DBB\u0DBD\u0DC0-\u0DC6\u0DCA\u0DCF-\u0DD4\u0DD6\u0DD8-\u0DDF\u0DE6-\u0DEF\u0DF2\u0DF3\u0E01-\u0E3A\u0E40-\u0E4E\u0E50-\u0E59\u0E81\u0E82\u0E84\u0E87\u0E88\u0E8A\u0E8D\u0E94-\u0E97\u0E99-\u0E9F\u0EA1-\u0EA3\u0EA5\u0EA7\u0EAA\u0EAB\u0EAD-\u0EB9\u0EBB-\u0EBD\u0EC0-\u0EC4\u0EC6\u0EC8-\u0ECD\u0ED0-\u0ED9\u0EDC-\u0EDF\u0F00\u0F18\u0F19\u0F20-\u0F29\u0F35\u0F37\u0F39\u0F3E-\u0F47\u0F49-\u0F6C\u0F71-\u0F84\u0F86-\u0F97\u0F99-\u0FBC\u0FC6\u1000-\u1049\u1050-\u109D\u10A0-\u10C5\u10C7\u10CD\u10D0-\u10FA\u10FC-\u1248\u124A-\u124D\u1250-\u1256\u1258\u125A-\u125D\u1260-\u1288\u128A-\u128D\u1290-\u12B0\u12B2-\u12B5\u12B8-\u12BE\u12C0\u12C2-\u12C5\u12C8-\u12D6\u12D8-\u1310\u1312-\u1315\u1318-\u135A\u135D-\u135F\u1380-\u138F\u13A0-\u13F5\u13F8-\u13FD\u1401-\u166C\u166F-\u167F\u1681-\u169A\u16A0-\u16EA\u16EE-\u16F8\u1700-\u170C\u170E-\u1714\u1720-\u1734\u1740-\u1753\u1760-\u176C\u176E-\u1770\u1772\u1773\u1780-\u17D3\u17D7\u17DC\u17DD\u17E0-\u17E9\u180B-\u180D\u1810-\u1819\u1820-\u1877\u1880-\u18AA\u18B0-\u18F5\u1900-\u191E\u1920-\u192B\u1930-\u193B\u1946-\u196D\u1970-\u1974\u1980-\u19AB\u19B0-\u19C9\u19D0-\u19D9\u1A00-\u1A1B\u1A20-\u1A5E\u1A60-\u1A7C\u1A7F-\u1A89\u1A90-\u1A99\u1AA7\u1AB0-\u1ABD\u1B00-\u1B4B\u1B50-\u1B59\u1B6B-\u1B73\u1B80-\u1BF3\u1C00-\u1C37\u1C40-\u1C49\u1C4D-\u1C7D\u1C80-\u1C88\u1CD0-\u1CD2\u1CD4-\u1CF9\u1D00-\u1DF9\u1DFB-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u203F\u2040\u2054\u2071\u207F\u2090-\u209C\u20D0-\u20DC\u20E1\u20E5-\u20F0\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2139\u213C-\u213F\u2145-\u2149\u214E\u2160-\u2188\u2C00-\u2C2E\u2C30-\u2C5E\u2C60-\u2CE4\u2CEB-\u2CF3\u2D00-\u2D25\u2D27\u2D2D\u2D30-\u2D67\u2D6F\u2D7F-\u2D96\u2DA0-\u2DA6\u2DA8-\u2DAE\u2DB0-\u2DB6\u2DB8-\u2DBE\u2DC0-\u2DC6\u2DC8-\u2DCE\u2DD0-\u2DD6\u2DD8-\u2DDE\u2DE0-\u2DFF\u2E2F\u3005-\u3007\u3021-\u302F\u3031-\u3035\u3038-\u303C\u3041-\u3096\u3099\u309A\u309D-\u309F\u30A1-\u30FA\u30FC-\u30FF\u3105-\u312E\u3131-\u318E\u31A0-\u31BA\u31F0-\u31FF\u3400-\u4DB5\u4E00-\u9FEA\uA000-\uA48C\uA4D0-\uA4FD\uA500-\uA60C\uA610-\uA62B\uA640-\uA66F\uA674-\uA67D\uA67F-\uA6F1\uA717-\uA71F\uA722-\uA788\uA78B-\uA7AE\uA7B0-\uA7B7\uA7F7-\uA827\uA840-\uA873\uA880-\uA8C5\uA8D0-\uA8D9\uA8E0-\uA8F7\uA8FB\uA8FD\uA900-\uA92D\uA930-\uA953\uA960-\uA97C\uA980-\uA9C0\uA9CF-\uA9D9\uA9E0-\uA9FE\uAA00-\uAA36\uAA40-\uAA4D\uAA50-\uAA59\uAA60-\uAA76\uAA7A-\uAAC2\uAADB-\uAADD\uAAE0-\uAAEF\uAAF2-\uAAF6\uAB01-\uAB06\uAB09-\uAB0E\uAB11-\uAB16\uAB20-\uAB26\uAB28-\uAB2E\uAB30-\uAB5A\uAB5C-\uAB65\uAB70-\uABEA\uABEC\uABED\uABF0-\uABF9\uAC00-\uD7A3\uD7B0-\uD7C6\uD7CB-\uD7FB\uF900-\uFA6D\uFA70-\uFAD9\uFB00-\uFB06\uFB13-\uFB17\uFB1D-\uFB28\uFB2A-\uFB36\uFB38-\uFB3C\uFB3E\uFB40\uFB41\uFB43\uFB44\uFB46-\uFBB1\uFBD3-\uFD3D\uFD50-\uFD8F\uFD92-\uFDC7\uFDF0-\uFDFB\uFE00-\uFE0F\uFE20-\uFE2F\uFE33\uFE34\uFE4D-\uFE4F\uFE70-\uFE74\uFE76-\uFEFC\uFF10-\uFF19\uFF21-\uFF3A\uFF3F\uFF41-\uFF5A\uFF66-\uFFBE\uFFC2-\uFFC7\uFFCA-\uFFCF\uFFD2-\uFFD7\uFFDA-\uFFDC]|\uD800[\uDC00-\uDC0B\uDC0D-\uDC26\uDC28-\uDC3A\uDC3C\uDC3D\uDC3F-\uDC4D\uDC50-\uDC5D\uDC80-\uDCFA\uDD40-\uDD74\uDDFD\uDE80-\uDE9C\uDEA0-\uDED0\uDEE0\uDF00-\uDF1F\uDF2D-\uDF4A\uDF50-\uDF7A\uDF80-\uDF9D\uDFA0-\uDFC3\uDFC8-\uDFCF\uDFD1-\uDFD5]|\uD801[\uDC00-\uDC9D\uDCA0-\uDCA9\uDCB0-\uDCD3\uDCD8-\uDCFB\uDD00-\uDD27\uDD30-\uDD63\uDE00-\uDF36\uDF40-\uDF55\uDF60-\uDF67]|\uD802[\uDC00-\uDC05\uDC08\uDC0A-\uDC35\uDC37\uDC38\uDC3C\uDC3F-\uDC55\uDC60-\uDC76\uDC80-\uDC9E\uDCE0-\uDCF2\uDCF4\uDCF5\uDD00-\uDD15\uDD20-\uDD39\uDD80-\uDDB7\uDDBE\uDDBF\uDE00-\uDE03\uDE05\uDE06\uDE0C-\uDE13\uDE15-\uDE17\uDE19-\uDE33\uDE38-\uDE3A\uDE3F\uDE60-\uDE7C\uDE80-\uDE9C\uDEC0-\uDEC7\uDEC9-\uDEE6\uDF00-\uDF35\uDF40-\uDF55\uDF60-\uDF72\uDF80-\uDF91]|\uD803[\uDC00-\uDC48\uDC80-\uDCB2\uDCC0-\uDCF2]|\uD804[\uDC00-\uDC46\uDC66-\uDC6F\uDC7F-\uDCBA\uDCD0-\uDCE8\uDCF0-\uDCF9\uDD00-\uDD34\uDD36-\uDD3F\uDD50-\uDD73\uDD76\uDD80-\uDDC4\uDDCA-\uDDCC\uDDD0-\uDDDA\uDDDC\uDE00-\uDE11\uDE13-\uDE37\uDE3E\uDE80-\uDE86\uDE88\uDE8A-\uDE8D\uDE8F-\uDE9D\uDE9F-\uDEA8\uDEB0-\uDEEA\uDEF0-\uDEF9\uDF00-\uDF03\uDF05-\uDF0C\uDF0F\uDF10\uDF13-\uDF28\uDF2A-\uDF30\uDF32\uDF33\uDF35-\uDF39\uDF3C-\uDF44\uDF47\uDF48\uDF4B-\uDF4D\uDF50\uDF57\uDF5D-\uDF63\uDF66-\uDF6C\uDF70-\uDF74]|\uD805[\uDC00-\uDC4A\uDC50-\uDC59\uDC80-\uDCC5\uDCC7\uDCD0-\uDCD9\uDD80-\uDDB5\uDDB8-\uDDC0\uDDD8-\uDDDD\uDE00-\uDE40\uDE44\uDE50-\uDE59\uDE80-\uDEB7\uDEC0-\uDEC9\uDF00-\uDF19\uDF1D-\uDF2B\uDF30-\uDF39]|\uD806[\uDCA0-\uDCE9\uDCFF\uDE00-\uDE3E\uDE47\uDE50-\uDE83\uDE86-\uDE99\uDEC0-\uDEF8]|\uD807[\uDC00-\uDC08\uDC0A-\uDC36\uDC38-\uDC40\uDC50-\uDC59\uDC72-\uDC8F\uDC92-\uDCA7\uDCA9-\uDCB6\uDD00-\uDD06\uDD08\uDD09\uDD0B-\uDD36\uDD3A\uDD3C\uDD3D\uDD3F-\uDD47\uDD50-\uDD59]|\uD808[\uDC00-\uDF99]|\uD809[\uDC00-\uDC6E\uDC80-\uDD43]|[\uD80C\uD81C-\uD820\uD840-\uD868\uD86A-\uD86C\uD86F-\uD872\uD874-\uD879][\uDC00-\uDFFF]|\uD80D[\uDC00-\uDC2E]|\uD811[\uDC00-\uDE46]|\uD81A[\uDC00-\uDE38\uDE40-\uDE5E\uDE60-\uDE69\uDED0-\uDEED\uDEF0-\uDEF4\uDF00-\uDF36\uDF40-\uDF43\uDF50-\uDF59\uDF63-\uDF77\uDF7D-\uDF8F]|\uD81B[\uDF00-\uDF44\uDF50-\uDF7E\uDF8F-\uDF9F\uDFE0\uDFE1]|\uD821[\uDC00-\uDFEC]|\uD822[\uDC00-\uDEF2]|\uD82C[\uDC00-\uDD1E\uDD70-\uDEFB]|\uD82F[\uDC00-\uDC6A\uDC70-\uDC7C\uDC80-\uDC88\uDC90-\uDC99\uDC9D\uDC9E]|\uD834[\uDD65-\uDD69\uDD6D-\uDD72\uDD7B-\uDD82\uDD85-\uDD8B\uDDAA-\uDDAD\uDE42-\uDE44]|\uD835[\uDC00-\uDC54\uDC56-\uDC9C\uDC9E\uDC9F\uDCA2\uDCA5\uDCA6\uDCA9-\uDCAC\uDCAE-\uDCB9\uDCBB\uDCBD-\uDCC3\uDCC5-\uDD05\uDD07-\uDD0A\uDD0D-\uDD14\uDD16-\uDD1C\uDD1E-\uDD39\uDD3B-\uDD3E\uDD40-\uDD44\uDD46\uDD4A-\uDD50\uDD52-\uDEA5\uDEA8-\uDEC0\uDEC2-\uDEDA\uDEDC-\uDEFA\uDEFC-\uDF14\uDF16-\uDF34\uDF36-\uDF4E\uDF50-\uDF6E\uDF70-\uDF88\uDF8A-\uDFA8\uDFAA-\uDFC2\uDFC4-\uDFCB\uDFCE-\uDFFF]|\uD836[\uDE00-\uDE36\uDE3B-\uDE6C\uDE75\uDE84\uDE9B-\uDE9F\uDEA1-\uDEAF]|\uD838[\uDC00-\uDC06\uDC08-\uDC18\uDC1B-\uDC21\uDC23\uDC24\uDC26-\uDC2A]|\uD83A[\uDC00-\uDCC4\uDCD0-\uDCD6\uDD00-\uDD4A\uDD50-\uDD59]|\uD83B[\uDE00-\uDE03\uDE05-\uDE1F\uDE21\uDE22\uDE24\uDE27\uDE29-\uDE32\uDE34-\uDE37\uDE39\uDE3B\uDE42\uDE47\uDE49\uDE4B\uDE4D-\uDE4F\uDE51\uDE52\uDE54\uDE57\uDE59\uDE5B\uDE5D\uDE5F\uDE61\uDE62\uDE64\uDE67-\uDE6A\uDE6C-\uDE72\uDE74-\uDE77\uDE79-\uDE7C\uDE7E\uDE80-\uDE89\uDE8B-\uDE9B\uDEA1-\uDEA3\uDEA5-\uDEA9\uDEAB-\uDEBB]|\uD869[\uDC00-\uDED6\uDF00-\uDFFF]|\uD86D[\uDC00-\uDF34\uDF40-\uDFFF]|\uD86E[\uDC00-\uDC1D\uDC20-\uDFFF]|\uD873[\uDC00-\uDEA1\uDEB0-\uDFFF]|\uD87A[\uDC00-\uDFE0]|\uD87E[\uDC00-\uDE1D]|\uDB40[\uDD00-\uDDEF]/;
  }
});

// node_modules/json5/lib/util.js
var require_util = __commonJS({
  "node_modules/json5/lib/util.js"(exports2, module2) {
    var unicode = require_unicode();
    module2.exports = {
      isSpaceSeparator(c) {
        return typeof c === "string" && unicode.Space_Separator.test(c);
      },
      isIdStartChar(c) {
        return typeof c === "string" && (c >= "a" && c <= "z" || c >= "A" && c <= "Z" || c === "$" || c === "_" || unicode.ID_Start.test(c));
      },
      isIdContinueChar(c) {
        return typeof c === "string" && (c >= "a" && c <= "z" || c >= "A" && c <= "Z" || c >= "0" && c <= "9" || c === "$" || c === "_" || c === "\u200C" || c === "\u200D" || unicode.ID_Continue.test(c));
      },
      isDigit(c) {
        return typeof c === "string" && /[0-9]/.test(c);
      },
      isHexDigit(c) {
        return typeof c === "string" && /[0-9A-Fa-f]/.test(c);
      }
    };
  }
});

// node_modules/json5/lib/parse.js
var require_parse = __commonJS({
  "node_modules/json5/lib/parse.js"(exports2, module2) {
    var util = require_util();
    var source;
    var parseState;
    var stack;
    var pos;
    var line;
    var column;
    var token;
    var key;
    var root;
    module2.exports = function parse2(text, reviver) {
      source = String(text);
      parseState = "start";
      stack = [];
      pos = 0;
      line = 1;
      column = 0;
      token = void 0;
      key = void 0;
      root = void 0;
      do {
        token = lex();
        parseStates[parseState]();
      } while (token.type !== "eof");
      if (typeof reviver === "function") {
        return internalize({ "": root }, "", reviver);
      }
      return root;
    };
    function internalize(holder, name, reviver) {
      const value = holder[name];
      if (value != null && typeof value === "object") {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const key2 = String(i);
            const replacement = internalize(value, key2, reviver);
            if (replacement === void 0) {
              delete value[key2];
            } else {
              Object.defineProperty(value, key2, {
                value: replacement,
                writable: true,
                enumerable: true,
                configurable: true
              });
            }
          }
        } else {
          for (const key2 in value) {
            const replacement = internalize(value, key2, reviver);
            if (replacement === void 0) {
              delete value[key2];
            } else {
              Object.defineProperty(value, key2, {
                value: replacement,
                writable: true,
                enumerable: true,
                configurable: true
              });
            }
          }
        }
      }
      return reviver.call(holder, name, value);
    }
    var lexState;
    var buffer;
    var doubleQuote;
    var sign;
    var c;
    function lex() {
      lexState = "default";
      buffer = "";
      doubleQuote = false;
      sign = 1;
      for (; ; ) {
        c = peek();
        const token2 = lexStates[lexState]();
        if (token2) {
          return token2;
        }
      }
    }
    function peek() {
      if (source[pos]) {
        return String.fromCodePoint(source.codePointAt(pos));
      }
    }
    function read() {
      const c2 = peek();
      if (c2 === "\n") {
        line++;
        column = 0;
      } else if (c2) {
        column += c2.length;
      } else {
        column++;
      }
      if (c2) {
        pos += c2.length;
      }
      return c2;
    }
    var lexStates = {
      default() {
        switch (c) {
          case "	":
          case "\v":
          case "\f":
          case " ":
          case "\xA0":
          case "\uFEFF":
          case "\n":
          case "\r":
          case "\u2028":
          case "\u2029":
            read();
            return;
          case "/":
            read();
            lexState = "comment";
            return;
          case void 0:
            read();
            return newToken("eof");
        }
        if (util.isSpaceSeparator(c)) {
          read();
          return;
        }
        return lexStates[parseState]();
      },
      comment() {
        switch (c) {
          case "*":
            read();
            lexState = "multiLineComment";
            return;
          case "/":
            read();
            lexState = "singleLineComment";
            return;
        }
        throw invalidChar(read());
      },
      multiLineComment() {
        switch (c) {
          case "*":
            read();
            lexState = "multiLineCommentAsterisk";
            return;
          case void 0:
            throw invalidChar(read());
        }
        read();
      },
      multiLineCommentAsterisk() {
        switch (c) {
          case "*":
            read();
            return;
          case "/":
            read();
            lexState = "default";
            return;
          case void 0:
            throw invalidChar(read());
        }
        read();
        lexState = "multiLineComment";
      },
      singleLineComment() {
        switch (c) {
          case "\n":
          case "\r":
          case "\u2028":
          case "\u2029":
            read();
            lexState = "default";
            return;
          case void 0:
            read();
            return newToken("eof");
        }
        read();
      },
      value() {
        switch (c) {
          case "{":
          case "[":
            return newToken("punctuator", read());
          case "n":
            read();
            literal("ull");
            return newToken("null", null);
          case "t":
            read();
            literal("rue");
            return newToken("boolean", true);
          case "f":
            read();
            literal("alse");
            return newToken("boolean", false);
          case "-":
          case "+":
            if (read() === "-") {
              sign = -1;
            }
            lexState = "sign";
            return;
          case ".":
            buffer = read();
            lexState = "decimalPointLeading";
            return;
          case "0":
            buffer = read();
            lexState = "zero";
            return;
          case "1":
          case "2":
          case "3":
          case "4":
          case "5":
          case "6":
          case "7":
          case "8":
          case "9":
            buffer = read();
            lexState = "decimalInteger";
            return;
          case "I":
            read();
            literal("nfinity");
            return newToken("numeric", Infinity);
          case "N":
            read();
            literal("aN");
            return newToken("numeric", NaN);
          case '"':
          case "'":
            doubleQuote = read() === '"';
            buffer = "";
            lexState = "string";
            return;
        }
        throw invalidChar(read());
      },
      identifierNameStartEscape() {
        if (c !== "u") {
          throw invalidChar(read());
        }
        read();
        const u = unicodeEscape();
        switch (u) {
          case "$":
          case "_":
            break;
          default:
            if (!util.isIdStartChar(u)) {
              throw invalidIdentifier();
            }
            break;
        }
        buffer += u;
        lexState = "identifierName";
      },
      identifierName() {
        switch (c) {
          case "$":
          case "_":
          case "\u200C":
          case "\u200D":
            buffer += read();
            return;
          case "\\":
            read();
            lexState = "identifierNameEscape";
            return;
        }
        if (util.isIdContinueChar(c)) {
          buffer += read();
          return;
        }
        return newToken("identifier", buffer);
      },
      identifierNameEscape() {
        if (c !== "u") {
          throw invalidChar(read());
        }
        read();
        const u = unicodeEscape();
        switch (u) {
          case "$":
          case "_":
          case "\u200C":
          case "\u200D":
            break;
          default:
            if (!util.isIdContinueChar(u)) {
              throw invalidIdentifier();
            }
            break;
        }
        buffer += u;
        lexState = "identifierName";
      },
      sign() {
        switch (c) {
          case ".":
            buffer = read();
            lexState = "decimalPointLeading";
            return;
          case "0":
            buffer = read();
            lexState = "zero";
            return;
          case "1":
          case "2":
          case "3":
          case "4":
          case "5":
          case "6":
          case "7":
          case "8":
          case "9":
            buffer = read();
            lexState = "decimalInteger";
            return;
          case "I":
            read();
            literal("nfinity");
            return newToken("numeric", sign * Infinity);
          case "N":
            read();
            literal("aN");
            return newToken("numeric", NaN);
        }
        throw invalidChar(read());
      },
      zero() {
        switch (c) {
          case ".":
            buffer += read();
            lexState = "decimalPoint";
            return;
          case "e":
          case "E":
            buffer += read();
            lexState = "decimalExponent";
            return;
          case "x":
          case "X":
            buffer += read();
            lexState = "hexadecimal";
            return;
        }
        return newToken("numeric", sign * 0);
      },
      decimalInteger() {
        switch (c) {
          case ".":
            buffer += read();
            lexState = "decimalPoint";
            return;
          case "e":
          case "E":
            buffer += read();
            lexState = "decimalExponent";
            return;
        }
        if (util.isDigit(c)) {
          buffer += read();
          return;
        }
        return newToken("numeric", sign * Number(buffer));
      },
      decimalPointLeading() {
        if (util.isDigit(c)) {
          buffer += read();
          lexState = "decimalFraction";
          return;
        }
        throw invalidChar(read());
      },
      decimalPoint() {
        switch (c) {
          case "e":
          case "E":
            buffer += read();
            lexState = "decimalExponent";
            return;
        }
        if (util.isDigit(c)) {
          buffer += read();
          lexState = "decimalFraction";
          return;
        }
        return newToken("numeric", sign * Number(buffer));
      },
      decimalFraction() {
        switch (c) {
          case "e":
          case "E":
            buffer += read();
            lexState = "decimalExponent";
            return;
        }
        if (util.isDigit(c)) {
          buffer += read();
          return;
        }
        return newToken("numeric", sign * Number(buffer));
      },
      decimalExponent() {
        switch (c) {
          case "+":
          case "-":
            buffer += read();
            lexState = "decimalExponentSign";
            return;
        }
        if (util.isDigit(c)) {
          buffer += read();
          lexState = "decimalExponentInteger";
          return;
        }
        throw invalidChar(read());
      },
      decimalExponentSign() {
        if (util.isDigit(c)) {
          buffer += read();
          lexState = "decimalExponentInteger";
          return;
        }
        throw invalidChar(read());
      },
      decimalExponentInteger() {
        if (util.isDigit(c)) {
          buffer += read();
          return;
        }
        return newToken("numeric", sign * Number(buffer));
      },
      hexadecimal() {
        if (util.isHexDigit(c)) {
          buffer += read();
          lexState = "hexadecimalInteger";
          return;
        }
        throw invalidChar(read());
      },
      hexadecimalInteger() {
        if (util.isHexDigit(c)) {
          buffer += read();
          return;
        }
        return newToken("numeric", sign * Number(buffer));
      },
      string() {
        switch (c) {
          case "\\":
            read();
            buffer += escape();
            return;
          case '"':
            if (doubleQuote) {
              read();
              return newToken("string", buffer);
            }
            buffer += read();
            return;
          case "'":
            if (!doubleQuote) {
              read();
              return newToken("string", buffer);
            }
            buffer += read();
            return;
          case "\n":
          case "\r":
            throw invalidChar(read());
          case "\u2028":
          case "\u2029":
            separatorChar(c);
            break;
          case void 0:
            throw invalidChar(read());
        }
        buffer += read();
      },
      start() {
        switch (c) {
          case "{":
          case "[":
            return newToken("punctuator", read());
        }
        lexState = "value";
      },
      beforePropertyName() {
        switch (c) {
          case "$":
          case "_":
            buffer = read();
            lexState = "identifierName";
            return;
          case "\\":
            read();
            lexState = "identifierNameStartEscape";
            return;
          case "}":
            return newToken("punctuator", read());
          case '"':
          case "'":
            doubleQuote = read() === '"';
            lexState = "string";
            return;
        }
        if (util.isIdStartChar(c)) {
          buffer += read();
          lexState = "identifierName";
          return;
        }
        throw invalidChar(read());
      },
      afterPropertyName() {
        if (c === ":") {
          return newToken("punctuator", read());
        }
        throw invalidChar(read());
      },
      beforePropertyValue() {
        lexState = "value";
      },
      afterPropertyValue() {
        switch (c) {
          case ",":
          case "}":
            return newToken("punctuator", read());
        }
        throw invalidChar(read());
      },
      beforeArrayValue() {
        if (c === "]") {
          return newToken("punctuator", read());
        }
        lexState = "value";
      },
      afterArrayValue() {
        switch (c) {
          case ",":
          case "]":
            return newToken("punctuator", read());
        }
        throw invalidChar(read());
      },
      end() {
        throw invalidChar(read());
      }
    };
    function newToken(type, value) {
      return {
        type,
        value,
        line,
        column
      };
    }
    function literal(s) {
      for (const c2 of s) {
        const p2 = peek();
        if (p2 !== c2) {
          throw invalidChar(read());
        }
        read();
      }
    }
    function escape() {
      const c2 = peek();
      switch (c2) {
        case "b":
          read();
          return "\b";
        case "f":
          read();
          return "\f";
        case "n":
          read();
          return "\n";
        case "r":
          read();
          return "\r";
        case "t":
          read();
          return "	";
        case "v":
          read();
          return "\v";
        case "0":
          read();
          if (util.isDigit(peek())) {
            throw invalidChar(read());
          }
          return "\0";
        case "x":
          read();
          return hexEscape();
        case "u":
          read();
          return unicodeEscape();
        case "\n":
        case "\u2028":
        case "\u2029":
          read();
          return "";
        case "\r":
          read();
          if (peek() === "\n") {
            read();
          }
          return "";
        case "1":
        case "2":
        case "3":
        case "4":
        case "5":
        case "6":
        case "7":
        case "8":
        case "9":
          throw invalidChar(read());
        case void 0:
          throw invalidChar(read());
      }
      return read();
    }
    function hexEscape() {
      let buffer2 = "";
      let c2 = peek();
      if (!util.isHexDigit(c2)) {
        throw invalidChar(read());
      }
      buffer2 += read();
      c2 = peek();
      if (!util.isHexDigit(c2)) {
        throw invalidChar(read());
      }
      buffer2 += read();
      return String.fromCodePoint(parseInt(buffer2, 16));
    }
    function unicodeEscape() {
      let buffer2 = "";
      let count = 4;
      while (count-- > 0) {
        const c2 = peek();
        if (!util.isHexDigit(c2)) {
          throw invalidChar(read());
        }
        buffer2 += read();
      }
      return String.fromCodePoint(parseInt(buffer2, 16));
    }
    var parseStates = {
      start() {
        if (token.type === "eof") {
          throw invalidEOF();
        }
        push();
      },
      beforePropertyName() {
        switch (token.type) {
          case "identifier":
          case "string":
            key = token.value;
            parseState = "afterPropertyName";
            return;
          case "punctuator":
            pop();
            return;
          case "eof":
            throw invalidEOF();
        }
      },
      afterPropertyName() {
        if (token.type === "eof") {
          throw invalidEOF();
        }
        parseState = "beforePropertyValue";
      },
      beforePropertyValue() {
        if (token.type === "eof") {
          throw invalidEOF();
        }
        push();
      },
      beforeArrayValue() {
        if (token.type === "eof") {
          throw invalidEOF();
        }
        if (token.type === "punctuator" && token.value === "]") {
          pop();
          return;
        }
        push();
      },
      afterPropertyValue() {
        if (token.type === "eof") {
          throw invalidEOF();
        }
        switch (token.value) {
          case ",":
            parseState = "beforePropertyName";
            return;
          case "}":
            pop();
        }
      },
      afterArrayValue() {
        if (token.type === "eof") {
          throw invalidEOF();
        }
        switch (token.value) {
          case ",":
            parseState = "beforeArrayValue";
            return;
          case "]":
            pop();
        }
      },
      end() {
      }
    };
    function push() {
      let value;
      switch (token.type) {
        case "punctuator":
          switch (token.value) {
            case "{":
              value = {};
              break;
            case "[":
              value = [];
              break;
          }
          break;
        case "null":
        case "boolean":
        case "numeric":
        case "string":
          value = token.value;
          break;
      }
      if (root === void 0) {
        root = value;
      } else {
        const parent = stack[stack.length - 1];
        if (Array.isArray(parent)) {
          parent.push(value);
        } else {
          Object.defineProperty(parent, key, {
            value,
            writable: true,
            enumerable: true,
            configurable: true
          });
        }
      }
      if (value !== null && typeof value === "object") {
        stack.push(value);
        if (Array.isArray(value)) {
          parseState = "beforeArrayValue";
        } else {
          parseState = "beforePropertyName";
        }
      } else {
        const current = stack[stack.length - 1];
        if (current == null) {
          parseState = "end";
        } else if (Array.isArray(current)) {
          parseState = "afterArrayValue";
        } else {
          parseState = "afterPropertyValue";
        }
      }
    }
    function pop() {
      stack.pop();
      const current = stack[stack.length - 1];
      if (current == null) {
        parseState = "end";
      } else if (Array.isArray(current)) {
        parseState = "afterArrayValue";
      } else {
        parseState = "afterPropertyValue";
      }
    }
    function invalidChar(c2) {
      if (c2 === void 0) {
        return syntaxError(`JSON5: invalid end of input at ${line}:${column}`);
      }
      return syntaxError(`JSON5: invalid character '${formatChar(c2)}' at ${line}:${column}`);
    }
    function invalidEOF() {
      return syntaxError(`JSON5: invalid end of input at ${line}:${column}`);
    }
    function invalidIdentifier() {
      column -= 5;
      return syntaxError(`JSON5: invalid identifier character at ${line}:${column}`);
    }
    function separatorChar(c2) {
      console.warn(`JSON5: '${formatChar(c2)}' in strings is not valid ECMAScript; consider escaping`);
    }
    function formatChar(c2) {
      const replacements = {
        "'": "\\'",
        '"': '\\"',
        "\\": "\\\\",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "	": "\\t",
        "\v": "\\v",
        "\0": "\\0",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029"
      };
      if (replacements[c2]) {
        return replacements[c2];
      }
      if (c2 < " ") {
        const hexString = c2.charCodeAt(0).toString(16);
        return "\\x" + ("00" + hexString).substring(hexString.length);
      }
      return c2;
    }
    function syntaxError(message) {
      const err = new SyntaxError(message);
      err.lineNumber = line;
      err.columnNumber = column;
      return err;
    }
  }
});

// node_modules/json5/lib/stringify.js
var require_stringify = __commonJS({
  "node_modules/json5/lib/stringify.js"(exports2, module2) {
    var util = require_util();
    module2.exports = function stringify(value, replacer, space) {
      const stack = [];
      let indent = "";
      let propertyList;
      let replacerFunc;
      let gap = "";
      let quote;
      if (replacer != null && typeof replacer === "object" && !Array.isArray(replacer)) {
        space = replacer.space;
        quote = replacer.quote;
        replacer = replacer.replacer;
      }
      if (typeof replacer === "function") {
        replacerFunc = replacer;
      } else if (Array.isArray(replacer)) {
        propertyList = [];
        for (const v2 of replacer) {
          let item;
          if (typeof v2 === "string") {
            item = v2;
          } else if (typeof v2 === "number" || v2 instanceof String || v2 instanceof Number) {
            item = String(v2);
          }
          if (item !== void 0 && propertyList.indexOf(item) < 0) {
            propertyList.push(item);
          }
        }
      }
      if (space instanceof Number) {
        space = Number(space);
      } else if (space instanceof String) {
        space = String(space);
      }
      if (typeof space === "number") {
        if (space > 0) {
          space = Math.min(10, Math.floor(space));
          gap = "          ".substr(0, space);
        }
      } else if (typeof space === "string") {
        gap = space.substr(0, 10);
      }
      return serializeProperty("", { "": value });
      function serializeProperty(key, holder) {
        let value2 = holder[key];
        if (value2 != null) {
          if (typeof value2.toJSON5 === "function") {
            value2 = value2.toJSON5(key);
          } else if (typeof value2.toJSON === "function") {
            value2 = value2.toJSON(key);
          }
        }
        if (replacerFunc) {
          value2 = replacerFunc.call(holder, key, value2);
        }
        if (value2 instanceof Number) {
          value2 = Number(value2);
        } else if (value2 instanceof String) {
          value2 = String(value2);
        } else if (value2 instanceof Boolean) {
          value2 = value2.valueOf();
        }
        switch (value2) {
          case null:
            return "null";
          case true:
            return "true";
          case false:
            return "false";
        }
        if (typeof value2 === "string") {
          return quoteString(value2, false);
        }
        if (typeof value2 === "number") {
          return String(value2);
        }
        if (typeof value2 === "object") {
          return Array.isArray(value2) ? serializeArray(value2) : serializeObject(value2);
        }
        return void 0;
      }
      function quoteString(value2) {
        const quotes = {
          "'": 0.1,
          '"': 0.2
        };
        const replacements = {
          "'": "\\'",
          '"': '\\"',
          "\\": "\\\\",
          "\b": "\\b",
          "\f": "\\f",
          "\n": "\\n",
          "\r": "\\r",
          "	": "\\t",
          "\v": "\\v",
          "\0": "\\0",
          "\u2028": "\\u2028",
          "\u2029": "\\u2029"
        };
        let product = "";
        for (let i = 0; i < value2.length; i++) {
          const c = value2[i];
          switch (c) {
            case "'":
            case '"':
              quotes[c]++;
              product += c;
              continue;
            case "\0":
              if (util.isDigit(value2[i + 1])) {
                product += "\\x00";
                continue;
              }
          }
          if (replacements[c]) {
            product += replacements[c];
            continue;
          }
          if (c < " ") {
            let hexString = c.charCodeAt(0).toString(16);
            product += "\\x" + ("00" + hexString).substring(hexString.length);
            continue;
          }
          product += c;
        }
        const quoteChar = quote || Object.keys(quotes).reduce((a, b2) => quotes[a] < quotes[b2] ? a : b2);
        product = product.replace(new RegExp(quoteChar, "g"), replacements[quoteChar]);
        return quoteChar + product + quoteChar;
      }
      function serializeObject(value2) {
        if (stack.indexOf(value2) >= 0) {
          throw TypeError("Converting circular structure to JSON5");
        }
        stack.push(value2);
        let stepback = indent;
        indent = indent + gap;
        let keys = propertyList || Object.keys(value2);
        let partial = [];
        for (const key of keys) {
          const propertyString = serializeProperty(key, value2);
          if (propertyString !== void 0) {
            let member = serializeKey(key) + ":";
            if (gap !== "") {
              member += " ";
            }
            member += propertyString;
            partial.push(member);
          }
        }
        let final;
        if (partial.length === 0) {
          final = "{}";
        } else {
          let properties;
          if (gap === "") {
            properties = partial.join(",");
            final = "{" + properties + "}";
          } else {
            let separator = ",\n" + indent;
            properties = partial.join(separator);
            final = "{\n" + indent + properties + ",\n" + stepback + "}";
          }
        }
        stack.pop();
        indent = stepback;
        return final;
      }
      function serializeKey(key) {
        if (key.length === 0) {
          return quoteString(key, true);
        }
        const firstChar = String.fromCodePoint(key.codePointAt(0));
        if (!util.isIdStartChar(firstChar)) {
          return quoteString(key, true);
        }
        for (let i = firstChar.length; i < key.length; i++) {
          if (!util.isIdContinueChar(String.fromCodePoint(key.codePointAt(i)))) {
            return quoteString(key, true);
          }
        }
        return key;
      }
      function serializeArray(value2) {
        if (stack.indexOf(value2) >= 0) {
          throw TypeError("Converting circular structure to JSON5");
        }
        stack.push(value2);
        let stepback = indent;
        indent = indent + gap;
        let partial = [];
        for (let i = 0; i < value2.length; i++) {
          const propertyString = serializeProperty(String(i), value2);
          partial.push(propertyString !== void 0 ? propertyString : "null");
        }
        let final;
        if (partial.length === 0) {
          final = "[]";
        } else {
          if (gap === "") {
            let properties = partial.join(",");
            final = "[" + properties + "]";
          } else {
            let separator = ",\n" + indent;
            let properties = partial.join(separator);
            final = "[\n" + indent + properties + ",\n" + stepback + "]";
          }
        }
        stack.pop();
        indent = stepback;
        return final;
      }
    };
  }
});

// node_modules/json5/lib/index.js
var require_lib = __commonJS({
  "node_modules/json5/lib/index.js"(exports2, module2) {
    var parse2 = require_parse();
    var stringify = require_stringify();
    var JSON52 = {
      parse: parse2,
      stringify
    };
    module2.exports = JSON52;
  }
});

// node_modules/shell-quote/quote.js
var require_quote = __commonJS({
  "node_modules/shell-quote/quote.js"(exports2, module2) {
    "use strict";
    var OPS = (
      /** @type {const} */
      [
        "||",
        "&&",
        ";;&",
        ";;",
        ";&",
        "|&",
        "<(",
        ">(",
        "<<<",
        "<<-",
        "<<",
        ">>",
        ">&",
        ">|",
        "&>>",
        "&>",
        "<&",
        "<>",
        "&",
        ";",
        "(",
        ")",
        "|",
        "<",
        ">"
      ]
    );
    var LINE_TERMINATORS = /[\n\r\u2028\u2029]/;
    var GLOB_SHELL_SPECIAL = /[\s#!"$&'():;<=>@\\^`|~]/g;
    module2.exports = function quote(xs) {
      var sawComment = false;
      return xs.map(function(s) {
        if (sawComment && typeof s === "string" && LINE_TERMINATORS.test(s)) {
          throw new TypeError("a token after a `comment` must not contain line terminators");
        }
        if (s === "") {
          return (
            /** @type {const} */
            "''"
          );
        }
        if (s && typeof s === "object") {
          if ("op" in s && s.op === "glob") {
            if (typeof s.pattern !== "string") {
              throw new TypeError("glob token requires a string `pattern`");
            }
            if (LINE_TERMINATORS.test(s.pattern)) {
              throw new TypeError("glob `pattern` must not contain line terminators");
            }
            if (s.pattern === "") {
              return (
                /** @type {const} */
                "''"
              );
            }
            return s.pattern.replace(GLOB_SHELL_SPECIAL, "\\$&");
          }
          if ("op" in s && typeof s.op === "string") {
            if (OPS.indexOf(s.op) < 0) {
              throw new TypeError("invalid `op` value: " + JSON.stringify(s.op));
            }
            return s.op.replace(/[\s\S]/g, "\\$&");
          }
          if ("comment" in s && typeof s.comment === "string") {
            if (LINE_TERMINATORS.test(s.comment)) {
              throw new TypeError("`comment` must not contain line terminators");
            }
            sawComment = true;
            return "#" + s.comment;
          }
          throw new TypeError("unrecognized object token shape");
        }
        if (/'/.test(s) && /!/.test(s)) {
          return "'" + s.replace(/'/g, `'"'"'`) + "'";
        }
        if (/["\s\\]/.test(s) && !/'/.test(s)) {
          return "'" + s + "'";
        }
        if (/["'\s]/.test(s)) {
          return '"' + s.replace(/(["\\$`])/g, "\\$1") + '"';
        }
        return String(s).replace(/([A-Za-z]:)?([#!"$&'()*,:;<=>?@[\\\]^`{|}~])/g, "$1\\$2");
      }).join(" ");
    };
  }
});

// node_modules/shell-quote/parse.js
var require_parse2 = __commonJS({
  "node_modules/shell-quote/parse.js"(exports2, module2) {
    "use strict";
    var CONTROL = (
      /** @type {const} */
      "(?:" + /** @type {const} */
      [
        "\\|\\|",
        "\\&(?:\\&|>>?)",
        // `&&`, `&>`, and `&>>`
        ";;\\&?",
        // `;;` and `;;&`
        "[;|]\\&",
        // `;&` and `|&`
        "\\<\\(",
        "\\<\\<\\<",
        "\\<\\<-",
        "\\<\\<(?!\\()",
        // `<<(` stays `<` and `<(`, as zsh reads it; other shells reject it
        ">>",
        ">[&|(]",
        // `>&`, `>|`, and `>(`
        "<[&>]",
        // `<&` and `<>`
        "[&;()|<>]"
      ].join(
        /** @type {const} */
        "|"
      ) + /** @type {const} */
      ")"
    );
    var controlRE = new RegExp("^" + CONTROL + "$");
    var META = (
      /** @type {const} */
      "|&;()<> \\t"
    );
    var SINGLE_QUOTE = (
      /** @type {const} */
      "'([^']*?)'"
    );
    var ANSI_C_BODY = "(?:\\\\[\\s\\S]|[^\\\\'])*?";
    var ANSI_C_QUOTE = "\\$'" + ANSI_C_BODY + "'";
    var ansiCAt = new RegExp("\\$'" + ANSI_C_BODY + "(?:(')|\\\\?$)", "g");
    var ANSI_C_LETTERS = "abeEfnrtv";
    var ANSI_C_CHARS = "\x07\b\x1B\x1B\f\n\r	\v";
    var hash = /^#$/;
    var SQ = (
      /** @type {const} */
      "'"
    );
    var DQ = (
      /** @type {const} */
      '"'
    );
    var DS = (
      /** @type {const} */
      "$"
    );
    var TOKEN = "";
    var mult = (
      /** @type {const} */
      4294967296
    );
    for (i = 0; i < 4; i++) {
      TOKEN += (mult * Math.random()).toString(16);
    }
    var i;
    var startsWithToken = new RegExp("^" + TOKEN);
    function matchAll(s, r) {
      var origIndex = r.lastIndex;
      var matches = [];
      var matchObj;
      while (matchObj = r.exec(s)) {
        matches[matches.length] = matchObj;
        if (r.lastIndex === matchObj.index) {
          r.lastIndex += 1;
        }
      }
      r.lastIndex = origIndex;
      return matches;
    }
    function getVar(env, pre, key) {
      var r = typeof env === "function" ? env(key) : env[key];
      if (typeof r === "undefined" && key != "") {
        r = "";
      } else if (typeof r === "undefined") {
        r = "$";
      }
      if (typeof r === "object") {
        return pre + TOKEN + JSON.stringify(r) + TOKEN;
      }
      return pre + r;
    }
    var ansiCEscape = /\\([0-7]{1,3}|x[\dA-Fa-f]{1,2}|u[\dA-Fa-f]{1,4}|U[\dA-Fa-f]{1,8}|c(?:\\\\|[\s\S])|[abeEfnrtv\\'"?])/g;
    function expandAnsiCEscape(m2, escape) {
      var kind = escape.charAt(0);
      if (kind === "c") {
        var ctrl = escape.charAt(1);
        return ctrl === "?" ? "\x7F" : String.fromCharCode(ctrl.charCodeAt(0) & 31);
      }
      if (kind === "x" || kind === "u" || kind === "U") {
        var cp = parseInt(escape.slice(1), 16);
        if (cp > 1114111) {
          return m2;
        }
        return String.fromCharCode.apply(null, cp > 65535 ? [55232 + (cp >> 10), 56320 + (cp & 1023)] : [cp]);
      }
      if (kind >= "0" && kind <= "7") {
        return String.fromCharCode(parseInt(escape, 8) & 255);
      }
      var letter = ANSI_C_LETTERS.indexOf(escape);
      return letter < 0 ? escape : ANSI_C_CHARS.charAt(letter);
    }
    function expandAnsiC(body) {
      return body.replace(ansiCEscape, expandAnsiCEscape).split("\0")[0];
    }
    function closesAnsiC(s, i2) {
      ansiCAt.lastIndex = i2;
      return !!/** @type {RegExpExecArray} */
      ansiCAt.exec(s)[1];
    }
    function parseInternal(string, env, opts) {
      if (!opts) {
        opts = {};
      }
      var BS = opts.escape || "\\";
      var ifs = opts.splitUnquoted === true ? " 	\n" : typeof opts.splitUnquoted === "string" ? opts.splitUnquoted : "";
      var BAREWORD = "(\\" + BS + `['"$\\` + BS + META + "]|\\$\\$|\\$(?!" + ANSI_C_QUOTE.slice(2) + `)|[^\\s'"$` + META + "])+";
      var DOUBLE_QUOTE = '"(?:\\' + BS + '[\\s\\S]|[^"\\' + BS + '])*"';
      var chunker = new RegExp([
        "(" + CONTROL + ")",
        // control chars
        "(" + ANSI_C_QUOTE + "|" + BAREWORD + "|" + DOUBLE_QUOTE + "|" + SINGLE_QUOTE + ")+"
      ].join("|"), "g");
      var matches = matchAll(string, chunker);
      if (matches.length === 0) {
        return [];
      }
      if (!env) {
        env = {};
      }
      var commented = false;
      return matches.map(function(match) {
        var s = match[0];
        if (!s || commented) {
          return void 0;
        }
        if (controlRE.test(s)) {
          return (
            /** @type {ControlOperator} */
            { op: s }
          );
        }
        var quote = false;
        var esc = false;
        var out = "";
        var words = [];
        var sawQuote = false;
        var pendingNw = null;
        var isGlob = false;
        var i2;
        function parseEnvVar() {
          i2 += 1;
          var varend;
          var varname;
          var char = s.charAt(i2);
          if (char === "{") {
            i2 += 1;
            if (s.charAt(i2) === "}") {
              throw new Error("Bad substitution: " + s.slice(i2 - 2, i2 + 1));
            }
            var depth = 1;
            varend = i2;
            while (depth > 0 && varend < s.length) {
              if (s.charAt(varend) === "{" && s.charAt(varend - 1) === "$") {
                depth += 1;
              } else if (s.charAt(varend) === "}") {
                depth -= 1;
              }
              varend += 1;
            }
            if (depth !== 0) {
              throw new Error("Bad substitution: " + s.slice(i2));
            }
            varend -= 1;
            varname = s.slice(i2, varend);
            i2 = varend;
          } else if (/[*@#?$!-]/.test(char)) {
            varname = char;
          } else {
            var slicedFromI = s.slice(i2);
            varend = slicedFromI.match(/[^\w\d_]/);
            if (!varend) {
              varname = slicedFromI;
              i2 = s.length;
            } else {
              varname = slicedFromI.slice(0, varend.index);
              i2 += /** @type {number} */
              varend.index - 1;
            }
          }
          return getVar(
            /** @type {NonNullable<typeof env>} */
            env,
            "",
            varname
          );
        }
        function flushRun() {
          if (pendingNw === null) {
            return;
          }
          if (pendingNw === 0) {
            if (out !== "") {
              words[words.length] = out;
              out = "";
            }
          } else {
            words[words.length] = out;
            out = "";
            for (var fe = 1; fe < pendingNw; fe += 1) {
              words[words.length] = "";
            }
          }
          pendingNw = null;
        }
        for (i2 = 0; i2 < s.length; i2++) {
          var c = s.charAt(i2);
          if (ifs && c !== DS) {
            flushRun();
          }
          isGlob = isGlob || !quote && (c === "*" || c === "?");
          if (esc) {
            out += c;
            esc = false;
          } else if (quote) {
            if (c === quote) {
              quote = false;
            } else if (quote == SQ) {
              out += c;
            } else {
              if (c === BS) {
                i2 += 1;
                c = s.charAt(i2);
                if (c === DQ || c === BS || c === DS) {
                  out += c;
                } else {
                  out += BS + c;
                }
              } else if (c === DS) {
                out += parseEnvVar();
              } else {
                out += c;
              }
            }
          } else if (c === DQ || c === SQ) {
            quote = c;
            sawQuote = true;
          } else if (controlRE.test(c)) {
            return (
              /** @type {ControlOperator} */
              { op: s }
            );
          } else if (hash.test(c)) {
            commented = true;
            var commentObj = { comment: string.slice(match.index + i2 + 1) };
            if (out.length) {
              return (
                /** @type {const} */
                [out, commentObj]
              );
            }
            return (
              /** @type {const} */
              [commentObj]
            );
          } else if (c === BS) {
            esc = true;
          } else if (c === DS && s.charAt(i2 + 1) === SQ && closesAnsiC(s, i2)) {
            flushRun();
            sawQuote = true;
            out += expandAnsiC(s.slice(i2 + 2, ansiCAt.lastIndex - 1));
            i2 = ansiCAt.lastIndex - 1;
          } else if (c === DS) {
            var value = parseEnvVar();
            if (!ifs) {
              out += value;
            } else {
              for (var vi = 0; vi < value.length; vi += 1) {
                var vc = value.charAt(vi);
                if (ifs.indexOf(vc) < 0) {
                  flushRun();
                  out += vc;
                } else if (pendingNw === null) {
                  pendingNw = vc === " " || vc === "	" || vc === "\n" ? 0 : 1;
                } else if (vc !== " " && vc !== "	" && vc !== "\n") {
                  pendingNw += 1;
                }
              }
            }
          } else {
            out += c;
          }
        }
        if (isGlob) {
          return (
            /** @type {GlobPattern} */
            { op: "glob", pattern: out }
          );
        }
        if (ifs) {
          if (pendingNw !== null && pendingNw > 0) {
            words[words.length] = out;
            out = "";
            for (var te = 1; te < pendingNw; te += 1) {
              words[words.length] = "";
            }
          }
          if (out !== "" || sawQuote && words.length === 0) {
            words[words.length] = out;
          }
          return words;
        }
        return out;
      }).reduce(
        function(prev, arg) {
          if (typeof arg === "undefined") {
            return prev;
          }
          [].concat(arg).forEach(function(entry) {
            prev[prev.length] = entry;
          });
          return prev;
        },
        /** @type {ParseEntry[]} */
        []
      );
    }
    module2.exports = function parse2(s, env, opts) {
      var mapped = parseInternal(s, env, opts);
      if (typeof env !== "function") {
        return mapped;
      }
      return mapped.reduce(
        function(acc, s2) {
          if (typeof s2 === "object") {
            acc[acc.length] = s2;
            return acc;
          }
          var xs = s2.split(RegExp("(" + TOKEN + ".*?" + TOKEN + ")", "g"));
          if (xs.length === 1) {
            acc[acc.length] = xs[0];
            return acc;
          }
          xs.filter(Boolean).forEach(function(x) {
            acc[acc.length] = startsWithToken.test(x) ? JSON.parse(x.split(TOKEN)[1]) : x;
          });
          return acc;
        },
        /** @type {ParseEntry[]} */
        []
      );
    };
  }
});

// node_modules/shell-quote/index.js
var require_shell_quote = __commonJS({
  "node_modules/shell-quote/index.js"(exports2) {
    "use strict";
    exports2.quote = require_quote();
    exports2.parse = require_parse2();
  }
});

// node_modules/ms/index.js
var require_ms = __commonJS({
  "node_modules/ms/index.js"(exports2, module2) {
    var s = 1e3;
    var m2 = s * 60;
    var h2 = m2 * 60;
    var d2 = h2 * 24;
    var w = d2 * 7;
    var y2 = d2 * 365.25;
    module2.exports = function(val, options3) {
      options3 = options3 || {};
      var type = typeof val;
      if (type === "string" && val.length > 0) {
        return parse2(val);
      } else if (type === "number" && isFinite(val)) {
        return options3.long ? fmtLong(val) : fmtShort(val);
      }
      throw new Error(
        "val is not a non-empty string or a valid number. val=" + JSON.stringify(val)
      );
    };
    function parse2(str) {
      str = String(str);
      if (str.length > 100) {
        return;
      }
      var match = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(
        str
      );
      if (!match) {
        return;
      }
      var n2 = parseFloat(match[1]);
      var type = (match[2] || "ms").toLowerCase();
      switch (type) {
        case "years":
        case "year":
        case "yrs":
        case "yr":
        case "y":
          return n2 * y2;
        case "weeks":
        case "week":
        case "w":
          return n2 * w;
        case "days":
        case "day":
        case "d":
          return n2 * d2;
        case "hours":
        case "hour":
        case "hrs":
        case "hr":
        case "h":
          return n2 * h2;
        case "minutes":
        case "minute":
        case "mins":
        case "min":
        case "m":
          return n2 * m2;
        case "seconds":
        case "second":
        case "secs":
        case "sec":
        case "s":
          return n2 * s;
        case "milliseconds":
        case "millisecond":
        case "msecs":
        case "msec":
        case "ms":
          return n2;
        default:
          return void 0;
      }
    }
    function fmtShort(ms2) {
      var msAbs = Math.abs(ms2);
      if (msAbs >= d2) {
        return Math.round(ms2 / d2) + "d";
      }
      if (msAbs >= h2) {
        return Math.round(ms2 / h2) + "h";
      }
      if (msAbs >= m2) {
        return Math.round(ms2 / m2) + "m";
      }
      if (msAbs >= s) {
        return Math.round(ms2 / s) + "s";
      }
      return ms2 + "ms";
    }
    function fmtLong(ms2) {
      var msAbs = Math.abs(ms2);
      if (msAbs >= d2) {
        return plural(ms2, msAbs, d2, "day");
      }
      if (msAbs >= h2) {
        return plural(ms2, msAbs, h2, "hour");
      }
      if (msAbs >= m2) {
        return plural(ms2, msAbs, m2, "minute");
      }
      if (msAbs >= s) {
        return plural(ms2, msAbs, s, "second");
      }
      return ms2 + " ms";
    }
    function plural(ms2, msAbs, n2, name) {
      var isPlural = msAbs >= n2 * 1.5;
      return Math.round(ms2 / n2) + " " + name + (isPlural ? "s" : "");
    }
  }
});

// node_modules/bottleneck/lib/parser.js
var require_parser = __commonJS({
  "node_modules/bottleneck/lib/parser.js"(exports2) {
    "use strict";
    exports2.load = function(received, defaults, onto = {}) {
      var k2, ref, v2;
      for (k2 in defaults) {
        v2 = defaults[k2];
        onto[k2] = (ref = received[k2]) != null ? ref : v2;
      }
      return onto;
    };
    exports2.overwrite = function(received, defaults, onto = {}) {
      var k2, v2;
      for (k2 in received) {
        v2 = received[k2];
        if (defaults[k2] !== void 0) {
          onto[k2] = v2;
        }
      }
      return onto;
    };
  }
});

// node_modules/bottleneck/lib/DLList.js
var require_DLList = __commonJS({
  "node_modules/bottleneck/lib/DLList.js"(exports2, module2) {
    "use strict";
    var DLList;
    DLList = class DLList {
      constructor(incr, decr) {
        this.incr = incr;
        this.decr = decr;
        this._first = null;
        this._last = null;
        this.length = 0;
      }
      push(value) {
        var node;
        this.length++;
        if (typeof this.incr === "function") {
          this.incr();
        }
        node = {
          value,
          prev: this._last,
          next: null
        };
        if (this._last != null) {
          this._last.next = node;
          this._last = node;
        } else {
          this._first = this._last = node;
        }
        return void 0;
      }
      shift() {
        var value;
        if (this._first == null) {
          return;
        } else {
          this.length--;
          if (typeof this.decr === "function") {
            this.decr();
          }
        }
        value = this._first.value;
        if ((this._first = this._first.next) != null) {
          this._first.prev = null;
        } else {
          this._last = null;
        }
        return value;
      }
      first() {
        if (this._first != null) {
          return this._first.value;
        }
      }
      getArray() {
        var node, ref, results;
        node = this._first;
        results = [];
        while (node != null) {
          results.push((ref = node, node = node.next, ref.value));
        }
        return results;
      }
      forEachShift(cb) {
        var node;
        node = this.shift();
        while (node != null) {
          cb(node), node = this.shift();
        }
        return void 0;
      }
      debug() {
        var node, ref, ref1, ref2, results;
        node = this._first;
        results = [];
        while (node != null) {
          results.push((ref = node, node = node.next, {
            value: ref.value,
            prev: (ref1 = ref.prev) != null ? ref1.value : void 0,
            next: (ref2 = ref.next) != null ? ref2.value : void 0
          }));
        }
        return results;
      }
    };
    module2.exports = DLList;
  }
});

// node_modules/bottleneck/lib/Events.js
var require_Events = __commonJS({
  "node_modules/bottleneck/lib/Events.js"(exports2, module2) {
    "use strict";
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var Events2;
    Events2 = class Events {
      constructor(instance) {
        this.instance = instance;
        this._events = {};
        if (this.instance.on != null || this.instance.once != null || this.instance.removeAllListeners != null) {
          throw new Error("An Emitter already exists for this object");
        }
        this.instance.on = (name, cb) => {
          return this._addListener(name, "many", cb);
        };
        this.instance.once = (name, cb) => {
          return this._addListener(name, "once", cb);
        };
        this.instance.removeAllListeners = (name = null) => {
          if (name != null) {
            return delete this._events[name];
          } else {
            return this._events = {};
          }
        };
      }
      _addListener(name, status, cb) {
        var base;
        if ((base = this._events)[name] == null) {
          base[name] = [];
        }
        this._events[name].push({
          cb,
          status
        });
        return this.instance;
      }
      listenerCount(name) {
        if (this._events[name] != null) {
          return this._events[name].length;
        } else {
          return 0;
        }
      }
      trigger(name, ...args) {
        var _this = this;
        return _asyncToGenerator2(function* () {
          var e, promises;
          try {
            if (name !== "debug") {
              _this.trigger("debug", `Event triggered: ${name}`, args);
            }
            if (_this._events[name] == null) {
              return;
            }
            _this._events[name] = _this._events[name].filter(function(listener) {
              return listener.status !== "none";
            });
            promises = _this._events[name].map(
              /* @__PURE__ */ (function() {
                var _ref = _asyncToGenerator2(function* (listener) {
                  var e2, returned;
                  if (listener.status === "none") {
                    return;
                  }
                  if (listener.status === "once") {
                    listener.status = "none";
                  }
                  try {
                    returned = typeof listener.cb === "function" ? listener.cb(...args) : void 0;
                    if (typeof (returned != null ? returned.then : void 0) === "function") {
                      return yield returned;
                    } else {
                      return returned;
                    }
                  } catch (error) {
                    e2 = error;
                    if (true) {
                      _this.trigger("error", e2);
                    }
                    return null;
                  }
                });
                return function(_x) {
                  return _ref.apply(this, arguments);
                };
              })()
            );
            return (yield Promise.all(promises)).find(function(x) {
              return x != null;
            });
          } catch (error) {
            e = error;
            if (true) {
              _this.trigger("error", e);
            }
            return null;
          }
        })();
      }
    };
    module2.exports = Events2;
  }
});

// node_modules/bottleneck/lib/Queues.js
var require_Queues = __commonJS({
  "node_modules/bottleneck/lib/Queues.js"(exports2, module2) {
    "use strict";
    var DLList;
    var Events2;
    var Queues;
    DLList = require_DLList();
    Events2 = require_Events();
    Queues = class Queues {
      constructor(num_priorities) {
        var i;
        this.Events = new Events2(this);
        this._length = 0;
        this._lists = function() {
          var j, ref, results;
          results = [];
          for (i = j = 1, ref = num_priorities; 1 <= ref ? j <= ref : j >= ref; i = 1 <= ref ? ++j : --j) {
            results.push(new DLList(() => {
              return this.incr();
            }, () => {
              return this.decr();
            }));
          }
          return results;
        }.call(this);
      }
      incr() {
        if (this._length++ === 0) {
          return this.Events.trigger("leftzero");
        }
      }
      decr() {
        if (--this._length === 0) {
          return this.Events.trigger("zero");
        }
      }
      push(job) {
        return this._lists[job.options.priority].push(job);
      }
      queued(priority) {
        if (priority != null) {
          return this._lists[priority].length;
        } else {
          return this._length;
        }
      }
      shiftAll(fn) {
        return this._lists.forEach(function(list) {
          return list.forEachShift(fn);
        });
      }
      getFirst(arr = this._lists) {
        var j, len, list;
        for (j = 0, len = arr.length; j < len; j++) {
          list = arr[j];
          if (list.length > 0) {
            return list;
          }
        }
        return [];
      }
      shiftLastFrom(priority) {
        return this.getFirst(this._lists.slice(priority).reverse()).shift();
      }
    };
    module2.exports = Queues;
  }
});

// node_modules/bottleneck/lib/BottleneckError.js
var require_BottleneckError = __commonJS({
  "node_modules/bottleneck/lib/BottleneckError.js"(exports2, module2) {
    "use strict";
    var BottleneckError;
    BottleneckError = class BottleneckError extends Error {
    };
    module2.exports = BottleneckError;
  }
});

// node_modules/bottleneck/lib/Job.js
var require_Job = __commonJS({
  "node_modules/bottleneck/lib/Job.js"(exports2, module2) {
    "use strict";
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var BottleneckError;
    var DEFAULT_PRIORITY;
    var Job;
    var NUM_PRIORITIES;
    var parser2;
    NUM_PRIORITIES = 10;
    DEFAULT_PRIORITY = 5;
    parser2 = require_parser();
    BottleneckError = require_BottleneckError();
    Job = class Job {
      constructor(task, args, options3, jobDefaults, rejectOnDrop, Events2, _states, Promise2) {
        this.task = task;
        this.args = args;
        this.rejectOnDrop = rejectOnDrop;
        this.Events = Events2;
        this._states = _states;
        this.Promise = Promise2;
        this.options = parser2.load(options3, jobDefaults);
        this.options.priority = this._sanitizePriority(this.options.priority);
        if (this.options.id === jobDefaults.id) {
          this.options.id = `${this.options.id}-${this._randomIndex()}`;
        }
        this.promise = new this.Promise((_resolve, _reject) => {
          this._resolve = _resolve;
          this._reject = _reject;
        });
        this.retryCount = 0;
      }
      _sanitizePriority(priority) {
        var sProperty;
        sProperty = ~~priority !== priority ? DEFAULT_PRIORITY : priority;
        if (sProperty < 0) {
          return 0;
        } else if (sProperty > NUM_PRIORITIES - 1) {
          return NUM_PRIORITIES - 1;
        } else {
          return sProperty;
        }
      }
      _randomIndex() {
        return Math.random().toString(36).slice(2);
      }
      doDrop({
        error,
        message = "This job has been dropped by Bottleneck"
      } = {}) {
        if (this._states.remove(this.options.id)) {
          if (this.rejectOnDrop) {
            this._reject(error != null ? error : new BottleneckError(message));
          }
          this.Events.trigger("dropped", {
            args: this.args,
            options: this.options,
            task: this.task,
            promise: this.promise
          });
          return true;
        } else {
          return false;
        }
      }
      _assertStatus(expected) {
        var status;
        status = this._states.jobStatus(this.options.id);
        if (!(status === expected || expected === "DONE" && status === null)) {
          throw new BottleneckError(`Invalid job status ${status}, expected ${expected}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`);
        }
      }
      doReceive() {
        this._states.start(this.options.id);
        return this.Events.trigger("received", {
          args: this.args,
          options: this.options
        });
      }
      doQueue(reachedHWM, blocked) {
        this._assertStatus("RECEIVED");
        this._states.next(this.options.id);
        return this.Events.trigger("queued", {
          args: this.args,
          options: this.options,
          reachedHWM,
          blocked
        });
      }
      doRun() {
        if (this.retryCount === 0) {
          this._assertStatus("QUEUED");
          this._states.next(this.options.id);
        } else {
          this._assertStatus("EXECUTING");
        }
        return this.Events.trigger("scheduled", {
          args: this.args,
          options: this.options
        });
      }
      doExecute(chained, clearGlobalState, run, free) {
        var _this = this;
        return _asyncToGenerator2(function* () {
          var error, eventInfo, passed;
          if (_this.retryCount === 0) {
            _this._assertStatus("RUNNING");
            _this._states.next(_this.options.id);
          } else {
            _this._assertStatus("EXECUTING");
          }
          eventInfo = {
            args: _this.args,
            options: _this.options,
            retryCount: _this.retryCount
          };
          _this.Events.trigger("executing", eventInfo);
          try {
            passed = yield chained != null ? chained.schedule(_this.options, _this.task, ..._this.args) : _this.task(..._this.args);
            if (clearGlobalState()) {
              _this.doDone(eventInfo);
              yield free(_this.options, eventInfo);
              _this._assertStatus("DONE");
              return _this._resolve(passed);
            }
          } catch (error1) {
            error = error1;
            return _this._onFailure(error, eventInfo, clearGlobalState, run, free);
          }
        })();
      }
      doExpire(clearGlobalState, run, free) {
        var error, eventInfo;
        if (this._states.jobStatus(this.options.id === "RUNNING")) {
          this._states.next(this.options.id);
        }
        this._assertStatus("EXECUTING");
        eventInfo = {
          args: this.args,
          options: this.options,
          retryCount: this.retryCount
        };
        error = new BottleneckError(`This job timed out after ${this.options.expiration} ms.`);
        return this._onFailure(error, eventInfo, clearGlobalState, run, free);
      }
      _onFailure(error, eventInfo, clearGlobalState, run, free) {
        var _this2 = this;
        return _asyncToGenerator2(function* () {
          var retry, retryAfter;
          if (clearGlobalState()) {
            retry = yield _this2.Events.trigger("failed", error, eventInfo);
            if (retry != null) {
              retryAfter = ~~retry;
              _this2.Events.trigger("retry", `Retrying ${_this2.options.id} after ${retryAfter} ms`, eventInfo);
              _this2.retryCount++;
              return run(retryAfter);
            } else {
              _this2.doDone(eventInfo);
              yield free(_this2.options, eventInfo);
              _this2._assertStatus("DONE");
              return _this2._reject(error);
            }
          }
        })();
      }
      doDone(eventInfo) {
        this._assertStatus("EXECUTING");
        this._states.next(this.options.id);
        return this.Events.trigger("done", eventInfo);
      }
    };
    module2.exports = Job;
  }
});

// node_modules/bottleneck/lib/LocalDatastore.js
var require_LocalDatastore = __commonJS({
  "node_modules/bottleneck/lib/LocalDatastore.js"(exports2, module2) {
    "use strict";
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var BottleneckError;
    var LocalDatastore;
    var parser2;
    parser2 = require_parser();
    BottleneckError = require_BottleneckError();
    LocalDatastore = class LocalDatastore {
      constructor(instance, storeOptions, storeInstanceOptions) {
        this.instance = instance;
        this.storeOptions = storeOptions;
        this.clientId = this.instance._randomIndex();
        parser2.load(storeInstanceOptions, storeInstanceOptions, this);
        this._nextRequest = this._lastReservoirRefresh = this._lastReservoirIncrease = Date.now();
        this._running = 0;
        this._done = 0;
        this._unblockTime = 0;
        this.ready = this.Promise.resolve();
        this.clients = {};
        this._startHeartbeat();
      }
      _startHeartbeat() {
        var base;
        if (this.heartbeat == null && (this.storeOptions.reservoirRefreshInterval != null && this.storeOptions.reservoirRefreshAmount != null || this.storeOptions.reservoirIncreaseInterval != null && this.storeOptions.reservoirIncreaseAmount != null)) {
          return typeof (base = this.heartbeat = setInterval(() => {
            var amount, incr, maximum, now, reservoir;
            now = Date.now();
            if (this.storeOptions.reservoirRefreshInterval != null && now >= this._lastReservoirRefresh + this.storeOptions.reservoirRefreshInterval) {
              this._lastReservoirRefresh = now;
              this.storeOptions.reservoir = this.storeOptions.reservoirRefreshAmount;
              this.instance._drainAll(this.computeCapacity());
            }
            if (this.storeOptions.reservoirIncreaseInterval != null && now >= this._lastReservoirIncrease + this.storeOptions.reservoirIncreaseInterval) {
              var _this$storeOptions = this.storeOptions;
              amount = _this$storeOptions.reservoirIncreaseAmount;
              maximum = _this$storeOptions.reservoirIncreaseMaximum;
              reservoir = _this$storeOptions.reservoir;
              this._lastReservoirIncrease = now;
              incr = maximum != null ? Math.min(amount, maximum - reservoir) : amount;
              if (incr > 0) {
                this.storeOptions.reservoir += incr;
                return this.instance._drainAll(this.computeCapacity());
              }
            }
          }, this.heartbeatInterval)).unref === "function" ? base.unref() : void 0;
        } else {
          return clearInterval(this.heartbeat);
        }
      }
      __publish__(message) {
        var _this = this;
        return _asyncToGenerator2(function* () {
          yield _this.yieldLoop();
          return _this.instance.Events.trigger("message", message.toString());
        })();
      }
      __disconnect__(flush) {
        var _this2 = this;
        return _asyncToGenerator2(function* () {
          yield _this2.yieldLoop();
          clearInterval(_this2.heartbeat);
          return _this2.Promise.resolve();
        })();
      }
      yieldLoop(t = 0) {
        return new this.Promise(function(resolve, reject) {
          return setTimeout(resolve, t);
        });
      }
      computePenalty() {
        var ref;
        return (ref = this.storeOptions.penalty) != null ? ref : 15 * this.storeOptions.minTime || 5e3;
      }
      __updateSettings__(options3) {
        var _this3 = this;
        return _asyncToGenerator2(function* () {
          yield _this3.yieldLoop();
          parser2.overwrite(options3, options3, _this3.storeOptions);
          _this3._startHeartbeat();
          _this3.instance._drainAll(_this3.computeCapacity());
          return true;
        })();
      }
      __running__() {
        var _this4 = this;
        return _asyncToGenerator2(function* () {
          yield _this4.yieldLoop();
          return _this4._running;
        })();
      }
      __queued__() {
        var _this5 = this;
        return _asyncToGenerator2(function* () {
          yield _this5.yieldLoop();
          return _this5.instance.queued();
        })();
      }
      __done__() {
        var _this6 = this;
        return _asyncToGenerator2(function* () {
          yield _this6.yieldLoop();
          return _this6._done;
        })();
      }
      __groupCheck__(time) {
        var _this7 = this;
        return _asyncToGenerator2(function* () {
          yield _this7.yieldLoop();
          return _this7._nextRequest + _this7.timeout < time;
        })();
      }
      computeCapacity() {
        var maxConcurrent, reservoir;
        var _this$storeOptions2 = this.storeOptions;
        maxConcurrent = _this$storeOptions2.maxConcurrent;
        reservoir = _this$storeOptions2.reservoir;
        if (maxConcurrent != null && reservoir != null) {
          return Math.min(maxConcurrent - this._running, reservoir);
        } else if (maxConcurrent != null) {
          return maxConcurrent - this._running;
        } else if (reservoir != null) {
          return reservoir;
        } else {
          return null;
        }
      }
      conditionsCheck(weight) {
        var capacity;
        capacity = this.computeCapacity();
        return capacity == null || weight <= capacity;
      }
      __incrementReservoir__(incr) {
        var _this8 = this;
        return _asyncToGenerator2(function* () {
          var reservoir;
          yield _this8.yieldLoop();
          reservoir = _this8.storeOptions.reservoir += incr;
          _this8.instance._drainAll(_this8.computeCapacity());
          return reservoir;
        })();
      }
      __currentReservoir__() {
        var _this9 = this;
        return _asyncToGenerator2(function* () {
          yield _this9.yieldLoop();
          return _this9.storeOptions.reservoir;
        })();
      }
      isBlocked(now) {
        return this._unblockTime >= now;
      }
      check(weight, now) {
        return this.conditionsCheck(weight) && this._nextRequest - now <= 0;
      }
      __check__(weight) {
        var _this10 = this;
        return _asyncToGenerator2(function* () {
          var now;
          yield _this10.yieldLoop();
          now = Date.now();
          return _this10.check(weight, now);
        })();
      }
      __register__(index, weight, expiration) {
        var _this11 = this;
        return _asyncToGenerator2(function* () {
          var now, wait;
          yield _this11.yieldLoop();
          now = Date.now();
          if (_this11.conditionsCheck(weight)) {
            _this11._running += weight;
            if (_this11.storeOptions.reservoir != null) {
              _this11.storeOptions.reservoir -= weight;
            }
            wait = Math.max(_this11._nextRequest - now, 0);
            _this11._nextRequest = now + wait + _this11.storeOptions.minTime;
            return {
              success: true,
              wait,
              reservoir: _this11.storeOptions.reservoir
            };
          } else {
            return {
              success: false
            };
          }
        })();
      }
      strategyIsBlock() {
        return this.storeOptions.strategy === 3;
      }
      __submit__(queueLength, weight) {
        var _this12 = this;
        return _asyncToGenerator2(function* () {
          var blocked, now, reachedHWM;
          yield _this12.yieldLoop();
          if (_this12.storeOptions.maxConcurrent != null && weight > _this12.storeOptions.maxConcurrent) {
            throw new BottleneckError(`Impossible to add a job having a weight of ${weight} to a limiter having a maxConcurrent setting of ${_this12.storeOptions.maxConcurrent}`);
          }
          now = Date.now();
          reachedHWM = _this12.storeOptions.highWater != null && queueLength === _this12.storeOptions.highWater && !_this12.check(weight, now);
          blocked = _this12.strategyIsBlock() && (reachedHWM || _this12.isBlocked(now));
          if (blocked) {
            _this12._unblockTime = now + _this12.computePenalty();
            _this12._nextRequest = _this12._unblockTime + _this12.storeOptions.minTime;
            _this12.instance._dropAllQueued();
          }
          return {
            reachedHWM,
            blocked,
            strategy: _this12.storeOptions.strategy
          };
        })();
      }
      __free__(index, weight) {
        var _this13 = this;
        return _asyncToGenerator2(function* () {
          yield _this13.yieldLoop();
          _this13._running -= weight;
          _this13._done += weight;
          _this13.instance._drainAll(_this13.computeCapacity());
          return {
            running: _this13._running
          };
        })();
      }
    };
    module2.exports = LocalDatastore;
  }
});

// node_modules/bottleneck/lib/lua.json
var require_lua = __commonJS({
  "node_modules/bottleneck/lib/lua.json"(exports2, module2) {
    module2.exports = {
      "blacklist_client.lua": "local blacklist = ARGV[num_static_argv + 1]\n\nif redis.call('zscore', client_last_seen_key, blacklist) then\n  redis.call('zadd', client_last_seen_key, 0, blacklist)\nend\n\n\nreturn {}\n",
      "check.lua": "local weight = tonumber(ARGV[num_static_argv + 1])\n\nlocal capacity = process_tick(now, false)['capacity']\nlocal nextRequest = tonumber(redis.call('hget', settings_key, 'nextRequest'))\n\nreturn conditions_check(capacity, weight) and nextRequest - now <= 0\n",
      "conditions_check.lua": "local conditions_check = function (capacity, weight)\n  return capacity == nil or weight <= capacity\nend\n",
      "current_reservoir.lua": "return process_tick(now, false)['reservoir']\n",
      "done.lua": "process_tick(now, false)\n\nreturn tonumber(redis.call('hget', settings_key, 'done'))\n",
      "free.lua": "local index = ARGV[num_static_argv + 1]\n\nredis.call('zadd', job_expirations_key, 0, index)\n\nreturn process_tick(now, false)['running']\n",
      "get_time.lua": "redis.replicate_commands()\n\nlocal get_time = function ()\n  local time = redis.call('time')\n\n  return tonumber(time[1]..string.sub(time[2], 1, 3))\nend\n",
      "group_check.lua": "return not (redis.call('exists', settings_key) == 1)\n",
      "heartbeat.lua": "process_tick(now, true)\n",
      "increment_reservoir.lua": "local incr = tonumber(ARGV[num_static_argv + 1])\n\nredis.call('hincrby', settings_key, 'reservoir', incr)\n\nlocal reservoir = process_tick(now, true)['reservoir']\n\nlocal groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))\nrefresh_expiration(0, 0, groupTimeout)\n\nreturn reservoir\n",
      "init.lua": `local clear = tonumber(ARGV[num_static_argv + 1])
local limiter_version = ARGV[num_static_argv + 2]
local num_local_argv = num_static_argv + 2

if clear == 1 then
  redis.call('del', unpack(KEYS))
end

if redis.call('exists', settings_key) == 0 then
  -- Create
  local args = {'hmset', settings_key}

  for i = num_local_argv + 1, #ARGV do
    table.insert(args, ARGV[i])
  end

  redis.call(unpack(args))
  redis.call('hmset', settings_key,
    'nextRequest', now,
    'lastReservoirRefresh', now,
    'lastReservoirIncrease', now,
    'running', 0,
    'done', 0,
    'unblockTime', 0,
    'capacityPriorityCounter', 0
  )

else
  -- Apply migrations
  local settings = redis.call('hmget', settings_key,
    'id',
    'version'
  )
  local id = settings[1]
  local current_version = settings[2]

  if current_version ~= limiter_version then
    local version_digits = {}
    for k, v in string.gmatch(current_version, "([^.]+)") do
      table.insert(version_digits, tonumber(k))
    end

    -- 2.10.0
    if version_digits[2] < 10 then
      redis.call('hsetnx', settings_key, 'reservoirRefreshInterval', '')
      redis.call('hsetnx', settings_key, 'reservoirRefreshAmount', '')
      redis.call('hsetnx', settings_key, 'lastReservoirRefresh', '')
      redis.call('hsetnx', settings_key, 'done', 0)
      redis.call('hset', settings_key, 'version', '2.10.0')
    end

    -- 2.11.1
    if version_digits[2] < 11 or (version_digits[2] == 11 and version_digits[3] < 1) then
      if redis.call('hstrlen', settings_key, 'lastReservoirRefresh') == 0 then
        redis.call('hmset', settings_key,
          'lastReservoirRefresh', now,
          'version', '2.11.1'
        )
      end
    end

    -- 2.14.0
    if version_digits[2] < 14 then
      local old_running_key = 'b_'..id..'_running'
      local old_executing_key = 'b_'..id..'_executing'

      if redis.call('exists', old_running_key) == 1 then
        redis.call('rename', old_running_key, job_weights_key)
      end
      if redis.call('exists', old_executing_key) == 1 then
        redis.call('rename', old_executing_key, job_expirations_key)
      end
      redis.call('hset', settings_key, 'version', '2.14.0')
    end

    -- 2.15.2
    if version_digits[2] < 15 or (version_digits[2] == 15 and version_digits[3] < 2) then
      redis.call('hsetnx', settings_key, 'capacityPriorityCounter', 0)
      redis.call('hset', settings_key, 'version', '2.15.2')
    end

    -- 2.17.0
    if version_digits[2] < 17 then
      redis.call('hsetnx', settings_key, 'clientTimeout', 10000)
      redis.call('hset', settings_key, 'version', '2.17.0')
    end

    -- 2.18.0
    if version_digits[2] < 18 then
      redis.call('hsetnx', settings_key, 'reservoirIncreaseInterval', '')
      redis.call('hsetnx', settings_key, 'reservoirIncreaseAmount', '')
      redis.call('hsetnx', settings_key, 'reservoirIncreaseMaximum', '')
      redis.call('hsetnx', settings_key, 'lastReservoirIncrease', now)
      redis.call('hset', settings_key, 'version', '2.18.0')
    end

  end

  process_tick(now, false)
end

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return {}
`,
      "process_tick.lua": "local process_tick = function (now, always_publish)\n\n  local compute_capacity = function (maxConcurrent, running, reservoir)\n    if maxConcurrent ~= nil and reservoir ~= nil then\n      return math.min((maxConcurrent - running), reservoir)\n    elseif maxConcurrent ~= nil then\n      return maxConcurrent - running\n    elseif reservoir ~= nil then\n      return reservoir\n    else\n      return nil\n    end\n  end\n\n  local settings = redis.call('hmget', settings_key,\n    'id',\n    'maxConcurrent',\n    'running',\n    'reservoir',\n    'reservoirRefreshInterval',\n    'reservoirRefreshAmount',\n    'lastReservoirRefresh',\n    'reservoirIncreaseInterval',\n    'reservoirIncreaseAmount',\n    'reservoirIncreaseMaximum',\n    'lastReservoirIncrease',\n    'capacityPriorityCounter',\n    'clientTimeout'\n  )\n  local id = settings[1]\n  local maxConcurrent = tonumber(settings[2])\n  local running = tonumber(settings[3])\n  local reservoir = tonumber(settings[4])\n  local reservoirRefreshInterval = tonumber(settings[5])\n  local reservoirRefreshAmount = tonumber(settings[6])\n  local lastReservoirRefresh = tonumber(settings[7])\n  local reservoirIncreaseInterval = tonumber(settings[8])\n  local reservoirIncreaseAmount = tonumber(settings[9])\n  local reservoirIncreaseMaximum = tonumber(settings[10])\n  local lastReservoirIncrease = tonumber(settings[11])\n  local capacityPriorityCounter = tonumber(settings[12])\n  local clientTimeout = tonumber(settings[13])\n\n  local initial_capacity = compute_capacity(maxConcurrent, running, reservoir)\n\n  --\n  -- Process 'running' changes\n  --\n  local expired = redis.call('zrangebyscore', job_expirations_key, '-inf', '('..now)\n\n  if #expired > 0 then\n    redis.call('zremrangebyscore', job_expirations_key, '-inf', '('..now)\n\n    local flush_batch = function (batch, acc)\n      local weights = redis.call('hmget', job_weights_key, unpack(batch))\n                      redis.call('hdel',  job_weights_key, unpack(batch))\n      local clients = redis.call('hmget', job_clients_key, unpack(batch))\n                      redis.call('hdel',  job_clients_key, unpack(batch))\n\n      -- Calculate sum of removed weights\n      for i = 1, #weights do\n        acc['total'] = acc['total'] + (tonumber(weights[i]) or 0)\n      end\n\n      -- Calculate sum of removed weights by client\n      local client_weights = {}\n      for i = 1, #clients do\n        local removed = tonumber(weights[i]) or 0\n        if removed > 0 then\n          acc['client_weights'][clients[i]] = (acc['client_weights'][clients[i]] or 0) + removed\n        end\n      end\n    end\n\n    local acc = {\n      ['total'] = 0,\n      ['client_weights'] = {}\n    }\n    local batch_size = 1000\n\n    -- Compute changes to Zsets and apply changes to Hashes\n    for i = 1, #expired, batch_size do\n      local batch = {}\n      for j = i, math.min(i + batch_size - 1, #expired) do\n        table.insert(batch, expired[j])\n      end\n\n      flush_batch(batch, acc)\n    end\n\n    -- Apply changes to Zsets\n    if acc['total'] > 0 then\n      redis.call('hincrby', settings_key, 'done', acc['total'])\n      running = tonumber(redis.call('hincrby', settings_key, 'running', -acc['total']))\n    end\n\n    for client, weight in pairs(acc['client_weights']) do\n      redis.call('zincrby', client_running_key, -weight, client)\n    end\n  end\n\n  --\n  -- Process 'reservoir' changes\n  --\n  local reservoirRefreshActive = reservoirRefreshInterval ~= nil and reservoirRefreshAmount ~= nil\n  if reservoirRefreshActive and now >= lastReservoirRefresh + reservoirRefreshInterval then\n    reservoir = reservoirRefreshAmount\n    redis.call('hmset', settings_key,\n      'reservoir', reservoir,\n      'lastReservoirRefresh', now\n    )\n  end\n\n  local reservoirIncreaseActive = reservoirIncreaseInterval ~= nil and reservoirIncreaseAmount ~= nil\n  if reservoirIncreaseActive and now >= lastReservoirIncrease + reservoirIncreaseInterval then\n    local num_intervals = math.floor((now - lastReservoirIncrease) / reservoirIncreaseInterval)\n    local incr = reservoirIncreaseAmount * num_intervals\n    if reservoirIncreaseMaximum ~= nil then\n      incr = math.min(incr, reservoirIncreaseMaximum - (reservoir or 0))\n    end\n    if incr > 0 then\n      reservoir = (reservoir or 0) + incr\n    end\n    redis.call('hmset', settings_key,\n      'reservoir', reservoir,\n      'lastReservoirIncrease', lastReservoirIncrease + (num_intervals * reservoirIncreaseInterval)\n    )\n  end\n\n  --\n  -- Clear unresponsive clients\n  --\n  local unresponsive = redis.call('zrangebyscore', client_last_seen_key, '-inf', (now - clientTimeout))\n  local unresponsive_lookup = {}\n  local terminated_clients = {}\n  for i = 1, #unresponsive do\n    unresponsive_lookup[unresponsive[i]] = true\n    if tonumber(redis.call('zscore', client_running_key, unresponsive[i])) == 0 then\n      table.insert(terminated_clients, unresponsive[i])\n    end\n  end\n  if #terminated_clients > 0 then\n    redis.call('zrem', client_running_key,         unpack(terminated_clients))\n    redis.call('hdel', client_num_queued_key,      unpack(terminated_clients))\n    redis.call('zrem', client_last_registered_key, unpack(terminated_clients))\n    redis.call('zrem', client_last_seen_key,       unpack(terminated_clients))\n  end\n\n  --\n  -- Broadcast capacity changes\n  --\n  local final_capacity = compute_capacity(maxConcurrent, running, reservoir)\n\n  if always_publish or (initial_capacity ~= nil and final_capacity == nil) then\n    -- always_publish or was not unlimited, now unlimited\n    redis.call('publish', 'b_'..id, 'capacity:'..(final_capacity or ''))\n\n  elseif initial_capacity ~= nil and final_capacity ~= nil and final_capacity > initial_capacity then\n    -- capacity was increased\n    -- send the capacity message to the limiter having the lowest number of running jobs\n    -- the tiebreaker is the limiter having not registered a job in the longest time\n\n    local lowest_concurrency_value = nil\n    local lowest_concurrency_clients = {}\n    local lowest_concurrency_last_registered = {}\n    local client_concurrencies = redis.call('zrange', client_running_key, 0, -1, 'withscores')\n\n    for i = 1, #client_concurrencies, 2 do\n      local client = client_concurrencies[i]\n      local concurrency = tonumber(client_concurrencies[i+1])\n\n      if (\n        lowest_concurrency_value == nil or lowest_concurrency_value == concurrency\n      ) and (\n        not unresponsive_lookup[client]\n      ) and (\n        tonumber(redis.call('hget', client_num_queued_key, client)) > 0\n      ) then\n        lowest_concurrency_value = concurrency\n        table.insert(lowest_concurrency_clients, client)\n        local last_registered = tonumber(redis.call('zscore', client_last_registered_key, client))\n        table.insert(lowest_concurrency_last_registered, last_registered)\n      end\n    end\n\n    if #lowest_concurrency_clients > 0 then\n      local position = 1\n      local earliest = lowest_concurrency_last_registered[1]\n\n      for i,v in ipairs(lowest_concurrency_last_registered) do\n        if v < earliest then\n          position = i\n          earliest = v\n        end\n      end\n\n      local next_client = lowest_concurrency_clients[position]\n      redis.call('publish', 'b_'..id,\n        'capacity-priority:'..(final_capacity or '')..\n        ':'..next_client..\n        ':'..capacityPriorityCounter\n      )\n      redis.call('hincrby', settings_key, 'capacityPriorityCounter', '1')\n    else\n      redis.call('publish', 'b_'..id, 'capacity:'..(final_capacity or ''))\n    end\n  end\n\n  return {\n    ['capacity'] = final_capacity,\n    ['running'] = running,\n    ['reservoir'] = reservoir\n  }\nend\n",
      "queued.lua": "local clientTimeout = tonumber(redis.call('hget', settings_key, 'clientTimeout'))\nlocal valid_clients = redis.call('zrangebyscore', client_last_seen_key, (now - clientTimeout), 'inf')\nlocal client_queued = redis.call('hmget', client_num_queued_key, unpack(valid_clients))\n\nlocal sum = 0\nfor i = 1, #client_queued do\n  sum = sum + tonumber(client_queued[i])\nend\n\nreturn sum\n",
      "refresh_expiration.lua": "local refresh_expiration = function (now, nextRequest, groupTimeout)\n\n  if groupTimeout ~= nil then\n    local ttl = (nextRequest + groupTimeout) - now\n\n    for i = 1, #KEYS do\n      redis.call('pexpire', KEYS[i], ttl)\n    end\n  end\n\nend\n",
      "refs.lua": "local settings_key = KEYS[1]\nlocal job_weights_key = KEYS[2]\nlocal job_expirations_key = KEYS[3]\nlocal job_clients_key = KEYS[4]\nlocal client_running_key = KEYS[5]\nlocal client_num_queued_key = KEYS[6]\nlocal client_last_registered_key = KEYS[7]\nlocal client_last_seen_key = KEYS[8]\n\nlocal now = tonumber(ARGV[1])\nlocal client = ARGV[2]\n\nlocal num_static_argv = 2\n",
      "register.lua": "local index = ARGV[num_static_argv + 1]\nlocal weight = tonumber(ARGV[num_static_argv + 2])\nlocal expiration = tonumber(ARGV[num_static_argv + 3])\n\nlocal state = process_tick(now, false)\nlocal capacity = state['capacity']\nlocal reservoir = state['reservoir']\n\nlocal settings = redis.call('hmget', settings_key,\n  'nextRequest',\n  'minTime',\n  'groupTimeout'\n)\nlocal nextRequest = tonumber(settings[1])\nlocal minTime = tonumber(settings[2])\nlocal groupTimeout = tonumber(settings[3])\n\nif conditions_check(capacity, weight) then\n\n  redis.call('hincrby', settings_key, 'running', weight)\n  redis.call('hset', job_weights_key, index, weight)\n  if expiration ~= nil then\n    redis.call('zadd', job_expirations_key, now + expiration, index)\n  end\n  redis.call('hset', job_clients_key, index, client)\n  redis.call('zincrby', client_running_key, weight, client)\n  redis.call('hincrby', client_num_queued_key, client, -1)\n  redis.call('zadd', client_last_registered_key, now, client)\n\n  local wait = math.max(nextRequest - now, 0)\n  local newNextRequest = now + wait + minTime\n\n  if reservoir == nil then\n    redis.call('hset', settings_key,\n      'nextRequest', newNextRequest\n    )\n  else\n    reservoir = reservoir - weight\n    redis.call('hmset', settings_key,\n      'reservoir', reservoir,\n      'nextRequest', newNextRequest\n    )\n  end\n\n  refresh_expiration(now, newNextRequest, groupTimeout)\n\n  return {true, wait, reservoir}\n\nelse\n  return {false}\nend\n",
      "register_client.lua": "local queued = tonumber(ARGV[num_static_argv + 1])\n\n-- Could have been re-registered concurrently\nif not redis.call('zscore', client_last_seen_key, client) then\n  redis.call('zadd', client_running_key, 0, client)\n  redis.call('hset', client_num_queued_key, client, queued)\n  redis.call('zadd', client_last_registered_key, 0, client)\nend\n\nredis.call('zadd', client_last_seen_key, now, client)\n\nreturn {}\n",
      "running.lua": "return process_tick(now, false)['running']\n",
      "submit.lua": "local queueLength = tonumber(ARGV[num_static_argv + 1])\nlocal weight = tonumber(ARGV[num_static_argv + 2])\n\nlocal capacity = process_tick(now, false)['capacity']\n\nlocal settings = redis.call('hmget', settings_key,\n  'id',\n  'maxConcurrent',\n  'highWater',\n  'nextRequest',\n  'strategy',\n  'unblockTime',\n  'penalty',\n  'minTime',\n  'groupTimeout'\n)\nlocal id = settings[1]\nlocal maxConcurrent = tonumber(settings[2])\nlocal highWater = tonumber(settings[3])\nlocal nextRequest = tonumber(settings[4])\nlocal strategy = tonumber(settings[5])\nlocal unblockTime = tonumber(settings[6])\nlocal penalty = tonumber(settings[7])\nlocal minTime = tonumber(settings[8])\nlocal groupTimeout = tonumber(settings[9])\n\nif maxConcurrent ~= nil and weight > maxConcurrent then\n  return redis.error_reply('OVERWEIGHT:'..weight..':'..maxConcurrent)\nend\n\nlocal reachedHWM = (highWater ~= nil and queueLength == highWater\n  and not (\n    conditions_check(capacity, weight)\n    and nextRequest - now <= 0\n  )\n)\n\nlocal blocked = strategy == 3 and (reachedHWM or unblockTime >= now)\n\nif blocked then\n  local computedPenalty = penalty\n  if computedPenalty == nil then\n    if minTime == 0 then\n      computedPenalty = 5000\n    else\n      computedPenalty = 15 * minTime\n    end\n  end\n\n  local newNextRequest = now + computedPenalty + minTime\n\n  redis.call('hmset', settings_key,\n    'unblockTime', now + computedPenalty,\n    'nextRequest', newNextRequest\n  )\n\n  local clients_queued_reset = redis.call('hkeys', client_num_queued_key)\n  local queued_reset = {}\n  for i = 1, #clients_queued_reset do\n    table.insert(queued_reset, clients_queued_reset[i])\n    table.insert(queued_reset, 0)\n  end\n  redis.call('hmset', client_num_queued_key, unpack(queued_reset))\n\n  redis.call('publish', 'b_'..id, 'blocked:')\n\n  refresh_expiration(now, newNextRequest, groupTimeout)\nend\n\nif not blocked and not reachedHWM then\n  redis.call('hincrby', client_num_queued_key, client, 1)\nend\n\nreturn {reachedHWM, blocked, strategy}\n",
      "update_settings.lua": "local args = {'hmset', settings_key}\n\nfor i = num_static_argv + 1, #ARGV do\n  table.insert(args, ARGV[i])\nend\n\nredis.call(unpack(args))\n\nprocess_tick(now, true)\n\nlocal groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))\nrefresh_expiration(0, 0, groupTimeout)\n\nreturn {}\n",
      "validate_client.lua": "if not redis.call('zscore', client_last_seen_key, client) then\n  return redis.error_reply('UNKNOWN_CLIENT')\nend\n\nredis.call('zadd', client_last_seen_key, now, client)\n",
      "validate_keys.lua": "if not (redis.call('exists', settings_key) == 1) then\n  return redis.error_reply('SETTINGS_KEY_NOT_FOUND')\nend\n"
    };
  }
});

// node_modules/bottleneck/lib/Scripts.js
var require_Scripts = __commonJS({
  "node_modules/bottleneck/lib/Scripts.js"(exports2) {
    "use strict";
    var headers;
    var lua;
    var templates;
    lua = require_lua();
    headers = {
      refs: lua["refs.lua"],
      validate_keys: lua["validate_keys.lua"],
      validate_client: lua["validate_client.lua"],
      refresh_expiration: lua["refresh_expiration.lua"],
      process_tick: lua["process_tick.lua"],
      conditions_check: lua["conditions_check.lua"],
      get_time: lua["get_time.lua"]
    };
    exports2.allKeys = function(id) {
      return [
        /*
        HASH
        */
        `b_${id}_settings`,
        /*
        HASH
        job index -> weight
        */
        `b_${id}_job_weights`,
        /*
        ZSET
        job index -> expiration
        */
        `b_${id}_job_expirations`,
        /*
        HASH
        job index -> client
        */
        `b_${id}_job_clients`,
        /*
        ZSET
        client -> sum running
        */
        `b_${id}_client_running`,
        /*
        HASH
        client -> num queued
        */
        `b_${id}_client_num_queued`,
        /*
        ZSET
        client -> last job registered
        */
        `b_${id}_client_last_registered`,
        /*
        ZSET
        client -> last seen
        */
        `b_${id}_client_last_seen`
      ];
    };
    templates = {
      init: {
        keys: exports2.allKeys,
        headers: ["process_tick"],
        refresh_expiration: true,
        code: lua["init.lua"]
      },
      group_check: {
        keys: exports2.allKeys,
        headers: [],
        refresh_expiration: false,
        code: lua["group_check.lua"]
      },
      register_client: {
        keys: exports2.allKeys,
        headers: ["validate_keys"],
        refresh_expiration: false,
        code: lua["register_client.lua"]
      },
      blacklist_client: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client"],
        refresh_expiration: false,
        code: lua["blacklist_client.lua"]
      },
      heartbeat: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: false,
        code: lua["heartbeat.lua"]
      },
      update_settings: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: true,
        code: lua["update_settings.lua"]
      },
      running: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: false,
        code: lua["running.lua"]
      },
      queued: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client"],
        refresh_expiration: false,
        code: lua["queued.lua"]
      },
      done: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: false,
        code: lua["done.lua"]
      },
      check: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick", "conditions_check"],
        refresh_expiration: false,
        code: lua["check.lua"]
      },
      submit: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick", "conditions_check"],
        refresh_expiration: true,
        code: lua["submit.lua"]
      },
      register: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick", "conditions_check"],
        refresh_expiration: true,
        code: lua["register.lua"]
      },
      free: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: true,
        code: lua["free.lua"]
      },
      current_reservoir: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: false,
        code: lua["current_reservoir.lua"]
      },
      increment_reservoir: {
        keys: exports2.allKeys,
        headers: ["validate_keys", "validate_client", "process_tick"],
        refresh_expiration: true,
        code: lua["increment_reservoir.lua"]
      }
    };
    exports2.names = Object.keys(templates);
    exports2.keys = function(name, id) {
      return templates[name].keys(id);
    };
    exports2.payload = function(name) {
      var template;
      template = templates[name];
      return Array.prototype.concat(headers.refs, template.headers.map(function(h2) {
        return headers[h2];
      }), template.refresh_expiration ? headers.refresh_expiration : "", template.code).join("\n");
    };
  }
});

// node_modules/bottleneck/lib/RedisConnection.js
var require_RedisConnection = __commonJS({
  "node_modules/bottleneck/lib/RedisConnection.js"(exports, module) {
    "use strict";
    function asyncGeneratorStep(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var Events;
    var RedisConnection;
    var Scripts;
    var parser;
    parser = require_parser();
    Events = require_Events();
    Scripts = require_Scripts();
    RedisConnection = function() {
      class RedisConnection {
        constructor(options = {}) {
          parser.load(options, this.defaults, this);
          if (this.Redis == null) {
            this.Redis = eval("require")("redis");
          }
          if (this.Events == null) {
            this.Events = new Events(this);
          }
          this.terminated = false;
          if (this.client == null) {
            this.client = this.Redis.createClient(this.clientOptions);
          }
          this.subscriber = this.client.duplicate();
          this.limiters = {};
          this.shas = {};
          this.ready = this.Promise.all([this._setup(this.client, false), this._setup(this.subscriber, true)]).then(() => {
            return this._loadScripts();
          }).then(() => {
            return {
              client: this.client,
              subscriber: this.subscriber
            };
          });
        }
        _setup(client, sub) {
          client.setMaxListeners(0);
          return new this.Promise((resolve, reject) => {
            client.on("error", (e) => {
              return this.Events.trigger("error", e);
            });
            if (sub) {
              client.on("message", (channel, message) => {
                var ref;
                return (ref = this.limiters[channel]) != null ? ref._store.onMessage(channel, message) : void 0;
              });
            }
            if (client.ready) {
              return resolve();
            } else {
              return client.once("ready", resolve);
            }
          });
        }
        _loadScript(name) {
          return new this.Promise((resolve, reject) => {
            var payload;
            payload = Scripts.payload(name);
            return this.client.multi([["script", "load", payload]]).exec((err, replies) => {
              if (err != null) {
                return reject(err);
              }
              this.shas[name] = replies[0];
              return resolve(replies[0]);
            });
          });
        }
        _loadScripts() {
          return this.Promise.all(Scripts.names.map((k2) => {
            return this._loadScript(k2);
          }));
        }
        __runCommand__(cmd) {
          var _this = this;
          return _asyncToGenerator(function* () {
            yield _this.ready;
            return new _this.Promise((resolve, reject) => {
              return _this.client.multi([cmd]).exec_atomic(function(err, replies) {
                if (err != null) {
                  return reject(err);
                } else {
                  return resolve(replies[0]);
                }
              });
            });
          })();
        }
        __addLimiter__(instance) {
          return this.Promise.all([instance.channel(), instance.channel_client()].map((channel) => {
            return new this.Promise((resolve, reject) => {
              var handler;
              handler = (chan) => {
                if (chan === channel) {
                  this.subscriber.removeListener("subscribe", handler);
                  this.limiters[channel] = instance;
                  return resolve();
                }
              };
              this.subscriber.on("subscribe", handler);
              return this.subscriber.subscribe(channel);
            });
          }));
        }
        __removeLimiter__(instance) {
          var _this2 = this;
          return this.Promise.all([instance.channel(), instance.channel_client()].map(
            /* @__PURE__ */ (function() {
              var _ref = _asyncToGenerator(function* (channel) {
                if (!_this2.terminated) {
                  yield new _this2.Promise((resolve, reject) => {
                    return _this2.subscriber.unsubscribe(channel, function(err, chan) {
                      if (err != null) {
                        return reject(err);
                      }
                      if (chan === channel) {
                        return resolve();
                      }
                    });
                  });
                }
                return delete _this2.limiters[channel];
              });
              return function(_x) {
                return _ref.apply(this, arguments);
              };
            })()
          ));
        }
        __scriptArgs__(name, id, args, cb) {
          var keys;
          keys = Scripts.keys(name, id);
          return [this.shas[name], keys.length].concat(keys, args, cb);
        }
        __scriptFn__(name) {
          return this.client.evalsha.bind(this.client);
        }
        disconnect(flush = true) {
          var i, k2, len, ref;
          ref = Object.keys(this.limiters);
          for (i = 0, len = ref.length; i < len; i++) {
            k2 = ref[i];
            clearInterval(this.limiters[k2]._store.heartbeat);
          }
          this.limiters = {};
          this.terminated = true;
          this.client.end(flush);
          this.subscriber.end(flush);
          return this.Promise.resolve();
        }
      }
      ;
      RedisConnection.prototype.datastore = "redis";
      RedisConnection.prototype.defaults = {
        Redis: null,
        clientOptions: {},
        client: null,
        Promise,
        Events: null
      };
      return RedisConnection;
    }.call(void 0);
    module.exports = RedisConnection;
  }
});

// node_modules/bottleneck/lib/IORedisConnection.js
var require_IORedisConnection = __commonJS({
  "node_modules/bottleneck/lib/IORedisConnection.js"(exports, module) {
    "use strict";
    function _slicedToArray(arr, i) {
      return _arrayWithHoles(arr) || _iterableToArrayLimit(arr, i) || _nonIterableRest();
    }
    function _nonIterableRest() {
      throw new TypeError("Invalid attempt to destructure non-iterable instance");
    }
    function _iterableToArrayLimit(arr, i) {
      var _arr = [];
      var _n = true;
      var _d = false;
      var _e = void 0;
      try {
        for (var _i = arr[Symbol.iterator](), _s; !(_n = (_s = _i.next()).done); _n = true) {
          _arr.push(_s.value);
          if (i && _arr.length === i) break;
        }
      } catch (err) {
        _d = true;
        _e = err;
      } finally {
        try {
          if (!_n && _i["return"] != null) _i["return"]();
        } finally {
          if (_d) throw _e;
        }
      }
      return _arr;
    }
    function _arrayWithHoles(arr) {
      if (Array.isArray(arr)) return arr;
    }
    function asyncGeneratorStep(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var Events;
    var IORedisConnection;
    var Scripts;
    var parser;
    parser = require_parser();
    Events = require_Events();
    Scripts = require_Scripts();
    IORedisConnection = function() {
      class IORedisConnection {
        constructor(options = {}) {
          parser.load(options, this.defaults, this);
          if (this.Redis == null) {
            this.Redis = eval("require")("ioredis");
          }
          if (this.Events == null) {
            this.Events = new Events(this);
          }
          this.terminated = false;
          if (this.clusterNodes != null) {
            this.client = new this.Redis.Cluster(this.clusterNodes, this.clientOptions);
            this.subscriber = new this.Redis.Cluster(this.clusterNodes, this.clientOptions);
          } else if (this.client != null && this.client.duplicate == null) {
            this.subscriber = new this.Redis.Cluster(this.client.startupNodes, this.client.options);
          } else {
            if (this.client == null) {
              this.client = new this.Redis(this.clientOptions);
            }
            this.subscriber = this.client.duplicate();
          }
          this.limiters = {};
          this.ready = this.Promise.all([this._setup(this.client, false), this._setup(this.subscriber, true)]).then(() => {
            this._loadScripts();
            return {
              client: this.client,
              subscriber: this.subscriber
            };
          });
        }
        _setup(client, sub) {
          client.setMaxListeners(0);
          return new this.Promise((resolve, reject) => {
            client.on("error", (e) => {
              return this.Events.trigger("error", e);
            });
            if (sub) {
              client.on("message", (channel, message) => {
                var ref;
                return (ref = this.limiters[channel]) != null ? ref._store.onMessage(channel, message) : void 0;
              });
            }
            if (client.status === "ready") {
              return resolve();
            } else {
              return client.once("ready", resolve);
            }
          });
        }
        _loadScripts() {
          return Scripts.names.forEach((name) => {
            return this.client.defineCommand(name, {
              lua: Scripts.payload(name)
            });
          });
        }
        __runCommand__(cmd) {
          var _this = this;
          return _asyncToGenerator(function* () {
            var _2, deleted;
            yield _this.ready;
            var _ref = yield _this.client.pipeline([cmd]).exec();
            var _ref2 = _slicedToArray(_ref, 1);
            var _ref2$ = _slicedToArray(_ref2[0], 2);
            _2 = _ref2$[0];
            deleted = _ref2$[1];
            return deleted;
          })();
        }
        __addLimiter__(instance) {
          return this.Promise.all([instance.channel(), instance.channel_client()].map((channel) => {
            return new this.Promise((resolve, reject) => {
              return this.subscriber.subscribe(channel, () => {
                this.limiters[channel] = instance;
                return resolve();
              });
            });
          }));
        }
        __removeLimiter__(instance) {
          var _this2 = this;
          return [instance.channel(), instance.channel_client()].forEach(
            /* @__PURE__ */ (function() {
              var _ref3 = _asyncToGenerator(function* (channel) {
                if (!_this2.terminated) {
                  yield _this2.subscriber.unsubscribe(channel);
                }
                return delete _this2.limiters[channel];
              });
              return function(_x) {
                return _ref3.apply(this, arguments);
              };
            })()
          );
        }
        __scriptArgs__(name, id, args, cb) {
          var keys;
          keys = Scripts.keys(name, id);
          return [keys.length].concat(keys, args, cb);
        }
        __scriptFn__(name) {
          return this.client[name].bind(this.client);
        }
        disconnect(flush = true) {
          var i, k2, len, ref;
          ref = Object.keys(this.limiters);
          for (i = 0, len = ref.length; i < len; i++) {
            k2 = ref[i];
            clearInterval(this.limiters[k2]._store.heartbeat);
          }
          this.limiters = {};
          this.terminated = true;
          if (flush) {
            return this.Promise.all([this.client.quit(), this.subscriber.quit()]);
          } else {
            this.client.disconnect();
            this.subscriber.disconnect();
            return this.Promise.resolve();
          }
        }
      }
      ;
      IORedisConnection.prototype.datastore = "ioredis";
      IORedisConnection.prototype.defaults = {
        Redis: null,
        clientOptions: {},
        clusterNodes: null,
        client: null,
        Promise,
        Events: null
      };
      return IORedisConnection;
    }.call(void 0);
    module.exports = IORedisConnection;
  }
});

// node_modules/bottleneck/lib/RedisDatastore.js
var require_RedisDatastore = __commonJS({
  "node_modules/bottleneck/lib/RedisDatastore.js"(exports2, module2) {
    "use strict";
    function _slicedToArray2(arr, i) {
      return _arrayWithHoles2(arr) || _iterableToArrayLimit2(arr, i) || _nonIterableRest2();
    }
    function _nonIterableRest2() {
      throw new TypeError("Invalid attempt to destructure non-iterable instance");
    }
    function _iterableToArrayLimit2(arr, i) {
      var _arr = [];
      var _n = true;
      var _d = false;
      var _e = void 0;
      try {
        for (var _i = arr[Symbol.iterator](), _s; !(_n = (_s = _i.next()).done); _n = true) {
          _arr.push(_s.value);
          if (i && _arr.length === i) break;
        }
      } catch (err) {
        _d = true;
        _e = err;
      } finally {
        try {
          if (!_n && _i["return"] != null) _i["return"]();
        } finally {
          if (_d) throw _e;
        }
      }
      return _arr;
    }
    function _arrayWithHoles2(arr) {
      if (Array.isArray(arr)) return arr;
    }
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var BottleneckError;
    var IORedisConnection2;
    var RedisConnection2;
    var RedisDatastore;
    var parser2;
    parser2 = require_parser();
    BottleneckError = require_BottleneckError();
    RedisConnection2 = require_RedisConnection();
    IORedisConnection2 = require_IORedisConnection();
    RedisDatastore = class RedisDatastore {
      constructor(instance, storeOptions, storeInstanceOptions) {
        this.instance = instance;
        this.storeOptions = storeOptions;
        this.originalId = this.instance.id;
        this.clientId = this.instance._randomIndex();
        parser2.load(storeInstanceOptions, storeInstanceOptions, this);
        this.clients = {};
        this.capacityPriorityCounters = {};
        this.sharedConnection = this.connection != null;
        if (this.connection == null) {
          this.connection = this.instance.datastore === "redis" ? new RedisConnection2({
            Redis: this.Redis,
            clientOptions: this.clientOptions,
            Promise: this.Promise,
            Events: this.instance.Events
          }) : this.instance.datastore === "ioredis" ? new IORedisConnection2({
            Redis: this.Redis,
            clientOptions: this.clientOptions,
            clusterNodes: this.clusterNodes,
            Promise: this.Promise,
            Events: this.instance.Events
          }) : void 0;
        }
        this.instance.connection = this.connection;
        this.instance.datastore = this.connection.datastore;
        this.ready = this.connection.ready.then((clients) => {
          this.clients = clients;
          return this.runScript("init", this.prepareInitSettings(this.clearDatastore));
        }).then(() => {
          return this.connection.__addLimiter__(this.instance);
        }).then(() => {
          return this.runScript("register_client", [this.instance.queued()]);
        }).then(() => {
          var base;
          if (typeof (base = this.heartbeat = setInterval(() => {
            return this.runScript("heartbeat", []).catch((e) => {
              return this.instance.Events.trigger("error", e);
            });
          }, this.heartbeatInterval)).unref === "function") {
            base.unref();
          }
          return this.clients;
        });
      }
      __publish__(message) {
        var _this = this;
        return _asyncToGenerator2(function* () {
          var client;
          var _ref = yield _this.ready;
          client = _ref.client;
          return client.publish(_this.instance.channel(), `message:${message.toString()}`);
        })();
      }
      onMessage(channel, message) {
        var _this2 = this;
        return _asyncToGenerator2(function* () {
          var capacity, counter, data, drained, e, newCapacity, pos, priorityClient, rawCapacity, type;
          try {
            pos = message.indexOf(":");
            var _ref2 = [message.slice(0, pos), message.slice(pos + 1)];
            type = _ref2[0];
            data = _ref2[1];
            if (type === "capacity") {
              return yield _this2.instance._drainAll(data.length > 0 ? ~~data : void 0);
            } else if (type === "capacity-priority") {
              var _data$split = data.split(":");
              var _data$split2 = _slicedToArray2(_data$split, 3);
              rawCapacity = _data$split2[0];
              priorityClient = _data$split2[1];
              counter = _data$split2[2];
              capacity = rawCapacity.length > 0 ? ~~rawCapacity : void 0;
              if (priorityClient === _this2.clientId) {
                drained = yield _this2.instance._drainAll(capacity);
                newCapacity = capacity != null ? capacity - (drained || 0) : "";
                return yield _this2.clients.client.publish(_this2.instance.channel(), `capacity-priority:${newCapacity}::${counter}`);
              } else if (priorityClient === "") {
                clearTimeout(_this2.capacityPriorityCounters[counter]);
                delete _this2.capacityPriorityCounters[counter];
                return _this2.instance._drainAll(capacity);
              } else {
                return _this2.capacityPriorityCounters[counter] = setTimeout(
                  /* @__PURE__ */ _asyncToGenerator2(function* () {
                    var e2;
                    try {
                      delete _this2.capacityPriorityCounters[counter];
                      yield _this2.runScript("blacklist_client", [priorityClient]);
                      return yield _this2.instance._drainAll(capacity);
                    } catch (error) {
                      e2 = error;
                      return _this2.instance.Events.trigger("error", e2);
                    }
                  }),
                  1e3
                );
              }
            } else if (type === "message") {
              return _this2.instance.Events.trigger("message", data);
            } else if (type === "blocked") {
              return yield _this2.instance._dropAllQueued();
            }
          } catch (error) {
            e = error;
            return _this2.instance.Events.trigger("error", e);
          }
        })();
      }
      __disconnect__(flush) {
        clearInterval(this.heartbeat);
        if (this.sharedConnection) {
          return this.connection.__removeLimiter__(this.instance);
        } else {
          return this.connection.disconnect(flush);
        }
      }
      runScript(name, args) {
        var _this3 = this;
        return _asyncToGenerator2(function* () {
          if (!(name === "init" || name === "register_client")) {
            yield _this3.ready;
          }
          return new _this3.Promise((resolve, reject) => {
            var all_args, arr;
            all_args = [Date.now(), _this3.clientId].concat(args);
            _this3.instance.Events.trigger("debug", `Calling Redis script: ${name}.lua`, all_args);
            arr = _this3.connection.__scriptArgs__(name, _this3.originalId, all_args, function(err, replies) {
              if (err != null) {
                return reject(err);
              }
              return resolve(replies);
            });
            return _this3.connection.__scriptFn__(name)(...arr);
          }).catch((e) => {
            if (e.message === "SETTINGS_KEY_NOT_FOUND") {
              if (name === "heartbeat") {
                return _this3.Promise.resolve();
              } else {
                return _this3.runScript("init", _this3.prepareInitSettings(false)).then(() => {
                  return _this3.runScript(name, args);
                });
              }
            } else if (e.message === "UNKNOWN_CLIENT") {
              return _this3.runScript("register_client", [_this3.instance.queued()]).then(() => {
                return _this3.runScript(name, args);
              });
            } else {
              return _this3.Promise.reject(e);
            }
          });
        })();
      }
      prepareArray(arr) {
        var i, len, results, x;
        results = [];
        for (i = 0, len = arr.length; i < len; i++) {
          x = arr[i];
          results.push(x != null ? x.toString() : "");
        }
        return results;
      }
      prepareObject(obj) {
        var arr, k2, v2;
        arr = [];
        for (k2 in obj) {
          v2 = obj[k2];
          arr.push(k2, v2 != null ? v2.toString() : "");
        }
        return arr;
      }
      prepareInitSettings(clear) {
        var args;
        args = this.prepareObject(Object.assign({}, this.storeOptions, {
          id: this.originalId,
          version: this.instance.version,
          groupTimeout: this.timeout,
          clientTimeout: this.clientTimeout
        }));
        args.unshift(clear ? 1 : 0, this.instance.version);
        return args;
      }
      convertBool(b2) {
        return !!b2;
      }
      __updateSettings__(options3) {
        var _this4 = this;
        return _asyncToGenerator2(function* () {
          yield _this4.runScript("update_settings", _this4.prepareObject(options3));
          return parser2.overwrite(options3, options3, _this4.storeOptions);
        })();
      }
      __running__() {
        return this.runScript("running", []);
      }
      __queued__() {
        return this.runScript("queued", []);
      }
      __done__() {
        return this.runScript("done", []);
      }
      __groupCheck__() {
        var _this5 = this;
        return _asyncToGenerator2(function* () {
          return _this5.convertBool(yield _this5.runScript("group_check", []));
        })();
      }
      __incrementReservoir__(incr) {
        return this.runScript("increment_reservoir", [incr]);
      }
      __currentReservoir__() {
        return this.runScript("current_reservoir", []);
      }
      __check__(weight) {
        var _this6 = this;
        return _asyncToGenerator2(function* () {
          return _this6.convertBool(yield _this6.runScript("check", _this6.prepareArray([weight])));
        })();
      }
      __register__(index, weight, expiration) {
        var _this7 = this;
        return _asyncToGenerator2(function* () {
          var reservoir, success, wait;
          var _ref4 = yield _this7.runScript("register", _this7.prepareArray([index, weight, expiration]));
          var _ref5 = _slicedToArray2(_ref4, 3);
          success = _ref5[0];
          wait = _ref5[1];
          reservoir = _ref5[2];
          return {
            success: _this7.convertBool(success),
            wait,
            reservoir
          };
        })();
      }
      __submit__(queueLength, weight) {
        var _this8 = this;
        return _asyncToGenerator2(function* () {
          var blocked, e, maxConcurrent, overweight, reachedHWM, strategy;
          try {
            var _ref6 = yield _this8.runScript("submit", _this8.prepareArray([queueLength, weight]));
            var _ref7 = _slicedToArray2(_ref6, 3);
            reachedHWM = _ref7[0];
            blocked = _ref7[1];
            strategy = _ref7[2];
            return {
              reachedHWM: _this8.convertBool(reachedHWM),
              blocked: _this8.convertBool(blocked),
              strategy
            };
          } catch (error) {
            e = error;
            if (e.message.indexOf("OVERWEIGHT") === 0) {
              var _e$message$split = e.message.split(":");
              var _e$message$split2 = _slicedToArray2(_e$message$split, 3);
              overweight = _e$message$split2[0];
              weight = _e$message$split2[1];
              maxConcurrent = _e$message$split2[2];
              throw new BottleneckError(`Impossible to add a job having a weight of ${weight} to a limiter having a maxConcurrent setting of ${maxConcurrent}`);
            } else {
              throw e;
            }
          }
        })();
      }
      __free__(index, weight) {
        var _this9 = this;
        return _asyncToGenerator2(function* () {
          var running;
          running = yield _this9.runScript("free", _this9.prepareArray([index]));
          return {
            running
          };
        })();
      }
    };
    module2.exports = RedisDatastore;
  }
});

// node_modules/bottleneck/lib/States.js
var require_States = __commonJS({
  "node_modules/bottleneck/lib/States.js"(exports2, module2) {
    "use strict";
    var BottleneckError;
    var States;
    BottleneckError = require_BottleneckError();
    States = class States {
      constructor(status1) {
        this.status = status1;
        this._jobs = {};
        this.counts = this.status.map(function() {
          return 0;
        });
      }
      next(id) {
        var current, next;
        current = this._jobs[id];
        next = current + 1;
        if (current != null && next < this.status.length) {
          this.counts[current]--;
          this.counts[next]++;
          return this._jobs[id]++;
        } else if (current != null) {
          this.counts[current]--;
          return delete this._jobs[id];
        }
      }
      start(id) {
        var initial;
        initial = 0;
        this._jobs[id] = initial;
        return this.counts[initial]++;
      }
      remove(id) {
        var current;
        current = this._jobs[id];
        if (current != null) {
          this.counts[current]--;
          delete this._jobs[id];
        }
        return current != null;
      }
      jobStatus(id) {
        var ref;
        return (ref = this.status[this._jobs[id]]) != null ? ref : null;
      }
      statusJobs(status) {
        var k2, pos, ref, results, v2;
        if (status != null) {
          pos = this.status.indexOf(status);
          if (pos < 0) {
            throw new BottleneckError(`status must be one of ${this.status.join(", ")}`);
          }
          ref = this._jobs;
          results = [];
          for (k2 in ref) {
            v2 = ref[k2];
            if (v2 === pos) {
              results.push(k2);
            }
          }
          return results;
        } else {
          return Object.keys(this._jobs);
        }
      }
      statusCounts() {
        return this.counts.reduce((acc, v2, i) => {
          acc[this.status[i]] = v2;
          return acc;
        }, {});
      }
    };
    module2.exports = States;
  }
});

// node_modules/bottleneck/lib/Sync.js
var require_Sync = __commonJS({
  "node_modules/bottleneck/lib/Sync.js"(exports2, module2) {
    "use strict";
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var DLList;
    var Sync;
    DLList = require_DLList();
    Sync = class Sync {
      constructor(name, Promise2) {
        this.schedule = this.schedule.bind(this);
        this.name = name;
        this.Promise = Promise2;
        this._running = 0;
        this._queue = new DLList();
      }
      isEmpty() {
        return this._queue.length === 0;
      }
      _tryToRun() {
        var _this = this;
        return _asyncToGenerator2(function* () {
          var args, cb, error, reject, resolve, returned, task;
          if (_this._running < 1 && _this._queue.length > 0) {
            _this._running++;
            var _this$_queue$shift = _this._queue.shift();
            task = _this$_queue$shift.task;
            args = _this$_queue$shift.args;
            resolve = _this$_queue$shift.resolve;
            reject = _this$_queue$shift.reject;
            cb = yield _asyncToGenerator2(function* () {
              try {
                returned = yield task(...args);
                return function() {
                  return resolve(returned);
                };
              } catch (error1) {
                error = error1;
                return function() {
                  return reject(error);
                };
              }
            })();
            _this._running--;
            _this._tryToRun();
            return cb();
          }
        })();
      }
      schedule(task, ...args) {
        var promise, reject, resolve;
        resolve = reject = null;
        promise = new this.Promise(function(_resolve, _reject) {
          resolve = _resolve;
          return reject = _reject;
        });
        this._queue.push({
          task,
          args,
          resolve,
          reject
        });
        this._tryToRun();
        return promise;
      }
    };
    module2.exports = Sync;
  }
});

// node_modules/bottleneck/lib/version.json
var require_version = __commonJS({
  "node_modules/bottleneck/lib/version.json"(exports2, module2) {
    module2.exports = { version: "2.19.5" };
  }
});

// node_modules/bottleneck/lib/Group.js
var require_Group = __commonJS({
  "node_modules/bottleneck/lib/Group.js"(exports2, module2) {
    "use strict";
    function _slicedToArray2(arr, i) {
      return _arrayWithHoles2(arr) || _iterableToArrayLimit2(arr, i) || _nonIterableRest2();
    }
    function _nonIterableRest2() {
      throw new TypeError("Invalid attempt to destructure non-iterable instance");
    }
    function _iterableToArrayLimit2(arr, i) {
      var _arr = [];
      var _n = true;
      var _d = false;
      var _e = void 0;
      try {
        for (var _i = arr[Symbol.iterator](), _s; !(_n = (_s = _i.next()).done); _n = true) {
          _arr.push(_s.value);
          if (i && _arr.length === i) break;
        }
      } catch (err) {
        _d = true;
        _e = err;
      } finally {
        try {
          if (!_n && _i["return"] != null) _i["return"]();
        } finally {
          if (_d) throw _e;
        }
      }
      return _arr;
    }
    function _arrayWithHoles2(arr) {
      if (Array.isArray(arr)) return arr;
    }
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var Events2;
    var Group;
    var IORedisConnection2;
    var RedisConnection2;
    var Scripts2;
    var parser2;
    parser2 = require_parser();
    Events2 = require_Events();
    RedisConnection2 = require_RedisConnection();
    IORedisConnection2 = require_IORedisConnection();
    Scripts2 = require_Scripts();
    Group = function() {
      class Group2 {
        constructor(limiterOptions = {}) {
          this.deleteKey = this.deleteKey.bind(this);
          this.limiterOptions = limiterOptions;
          parser2.load(this.limiterOptions, this.defaults, this);
          this.Events = new Events2(this);
          this.instances = {};
          this.Bottleneck = require_Bottleneck();
          this._startAutoCleanup();
          this.sharedConnection = this.connection != null;
          if (this.connection == null) {
            if (this.limiterOptions.datastore === "redis") {
              this.connection = new RedisConnection2(Object.assign({}, this.limiterOptions, {
                Events: this.Events
              }));
            } else if (this.limiterOptions.datastore === "ioredis") {
              this.connection = new IORedisConnection2(Object.assign({}, this.limiterOptions, {
                Events: this.Events
              }));
            }
          }
        }
        key(key = "") {
          var ref;
          return (ref = this.instances[key]) != null ? ref : (() => {
            var limiter;
            limiter = this.instances[key] = new this.Bottleneck(Object.assign(this.limiterOptions, {
              id: `${this.id}-${key}`,
              timeout: this.timeout,
              connection: this.connection
            }));
            this.Events.trigger("created", limiter, key);
            return limiter;
          })();
        }
        deleteKey(key = "") {
          var _this = this;
          return _asyncToGenerator2(function* () {
            var deleted, instance;
            instance = _this.instances[key];
            if (_this.connection) {
              deleted = yield _this.connection.__runCommand__(["del", ...Scripts2.allKeys(`${_this.id}-${key}`)]);
            }
            if (instance != null) {
              delete _this.instances[key];
              yield instance.disconnect();
            }
            return instance != null || deleted > 0;
          })();
        }
        limiters() {
          var k2, ref, results, v2;
          ref = this.instances;
          results = [];
          for (k2 in ref) {
            v2 = ref[k2];
            results.push({
              key: k2,
              limiter: v2
            });
          }
          return results;
        }
        keys() {
          return Object.keys(this.instances);
        }
        clusterKeys() {
          var _this2 = this;
          return _asyncToGenerator2(function* () {
            var cursor, end, found, i, k2, keys, len, next, start;
            if (_this2.connection == null) {
              return _this2.Promise.resolve(_this2.keys());
            }
            keys = [];
            cursor = null;
            start = `b_${_this2.id}-`.length;
            end = "_settings".length;
            while (cursor !== 0) {
              var _ref = yield _this2.connection.__runCommand__(["scan", cursor != null ? cursor : 0, "match", `b_${_this2.id}-*_settings`, "count", 1e4]);
              var _ref2 = _slicedToArray2(_ref, 2);
              next = _ref2[0];
              found = _ref2[1];
              cursor = ~~next;
              for (i = 0, len = found.length; i < len; i++) {
                k2 = found[i];
                keys.push(k2.slice(start, -end));
              }
            }
            return keys;
          })();
        }
        _startAutoCleanup() {
          var _this3 = this;
          var base;
          clearInterval(this.interval);
          return typeof (base = this.interval = setInterval(
            /* @__PURE__ */ _asyncToGenerator2(function* () {
              var e, k2, ref, results, time, v2;
              time = Date.now();
              ref = _this3.instances;
              results = [];
              for (k2 in ref) {
                v2 = ref[k2];
                try {
                  if (yield v2._store.__groupCheck__(time)) {
                    results.push(_this3.deleteKey(k2));
                  } else {
                    results.push(void 0);
                  }
                } catch (error) {
                  e = error;
                  results.push(v2.Events.trigger("error", e));
                }
              }
              return results;
            }),
            this.timeout / 2
          )).unref === "function" ? base.unref() : void 0;
        }
        updateSettings(options3 = {}) {
          parser2.overwrite(options3, this.defaults, this);
          parser2.overwrite(options3, options3, this.limiterOptions);
          if (options3.timeout != null) {
            return this._startAutoCleanup();
          }
        }
        disconnect(flush = true) {
          var ref;
          if (!this.sharedConnection) {
            return (ref = this.connection) != null ? ref.disconnect(flush) : void 0;
          }
        }
      }
      ;
      Group2.prototype.defaults = {
        timeout: 1e3 * 60 * 5,
        connection: null,
        Promise,
        id: "group-key"
      };
      return Group2;
    }.call(void 0);
    module2.exports = Group;
  }
});

// node_modules/bottleneck/lib/Batcher.js
var require_Batcher = __commonJS({
  "node_modules/bottleneck/lib/Batcher.js"(exports2, module2) {
    "use strict";
    var Batcher;
    var Events2;
    var parser2;
    parser2 = require_parser();
    Events2 = require_Events();
    Batcher = function() {
      class Batcher2 {
        constructor(options3 = {}) {
          this.options = options3;
          parser2.load(this.options, this.defaults, this);
          this.Events = new Events2(this);
          this._arr = [];
          this._resetPromise();
          this._lastFlush = Date.now();
        }
        _resetPromise() {
          return this._promise = new this.Promise((res, rej) => {
            return this._resolve = res;
          });
        }
        _flush() {
          clearTimeout(this._timeout);
          this._lastFlush = Date.now();
          this._resolve();
          this.Events.trigger("batch", this._arr);
          this._arr = [];
          return this._resetPromise();
        }
        add(data) {
          var ret;
          this._arr.push(data);
          ret = this._promise;
          if (this._arr.length === this.maxSize) {
            this._flush();
          } else if (this.maxTime != null && this._arr.length === 1) {
            this._timeout = setTimeout(() => {
              return this._flush();
            }, this.maxTime);
          }
          return ret;
        }
      }
      ;
      Batcher2.prototype.defaults = {
        maxTime: null,
        maxSize: null,
        Promise
      };
      return Batcher2;
    }.call(void 0);
    module2.exports = Batcher;
  }
});

// node_modules/bottleneck/lib/Bottleneck.js
var require_Bottleneck = __commonJS({
  "node_modules/bottleneck/lib/Bottleneck.js"(exports2, module2) {
    "use strict";
    function _slicedToArray2(arr, i) {
      return _arrayWithHoles2(arr) || _iterableToArrayLimit2(arr, i) || _nonIterableRest2();
    }
    function _iterableToArrayLimit2(arr, i) {
      var _arr = [];
      var _n = true;
      var _d = false;
      var _e = void 0;
      try {
        for (var _i = arr[Symbol.iterator](), _s; !(_n = (_s = _i.next()).done); _n = true) {
          _arr.push(_s.value);
          if (i && _arr.length === i) break;
        }
      } catch (err) {
        _d = true;
        _e = err;
      } finally {
        try {
          if (!_n && _i["return"] != null) _i["return"]();
        } finally {
          if (_d) throw _e;
        }
      }
      return _arr;
    }
    function _toArray(arr) {
      return _arrayWithHoles2(arr) || _iterableToArray(arr) || _nonIterableRest2();
    }
    function _nonIterableRest2() {
      throw new TypeError("Invalid attempt to destructure non-iterable instance");
    }
    function _iterableToArray(iter) {
      if (Symbol.iterator in Object(iter) || Object.prototype.toString.call(iter) === "[object Arguments]") return Array.from(iter);
    }
    function _arrayWithHoles2(arr) {
      if (Array.isArray(arr)) return arr;
    }
    function asyncGeneratorStep2(gen, resolve, reject, _next, _throw, key, arg) {
      try {
        var info = gen[key](arg);
        var value = info.value;
      } catch (error) {
        reject(error);
        return;
      }
      if (info.done) {
        resolve(value);
      } else {
        Promise.resolve(value).then(_next, _throw);
      }
    }
    function _asyncToGenerator2(fn) {
      return function() {
        var self = this, args = arguments;
        return new Promise(function(resolve, reject) {
          var gen = fn.apply(self, args);
          function _next(value) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "next", value);
          }
          function _throw(err) {
            asyncGeneratorStep2(gen, resolve, reject, _next, _throw, "throw", err);
          }
          _next(void 0);
        });
      };
    }
    var Bottleneck2;
    var DEFAULT_PRIORITY;
    var Events2;
    var Job;
    var LocalDatastore;
    var NUM_PRIORITIES;
    var Queues;
    var RedisDatastore;
    var States;
    var Sync;
    var parser2;
    var splice = [].splice;
    NUM_PRIORITIES = 10;
    DEFAULT_PRIORITY = 5;
    parser2 = require_parser();
    Queues = require_Queues();
    Job = require_Job();
    LocalDatastore = require_LocalDatastore();
    RedisDatastore = require_RedisDatastore();
    Events2 = require_Events();
    States = require_States();
    Sync = require_Sync();
    Bottleneck2 = function() {
      class Bottleneck3 {
        constructor(options3 = {}, ...invalid) {
          var storeInstanceOptions, storeOptions;
          this._addToQueue = this._addToQueue.bind(this);
          this._validateOptions(options3, invalid);
          parser2.load(options3, this.instanceDefaults, this);
          this._queues = new Queues(NUM_PRIORITIES);
          this._scheduled = {};
          this._states = new States(["RECEIVED", "QUEUED", "RUNNING", "EXECUTING"].concat(this.trackDoneStatus ? ["DONE"] : []));
          this._limiter = null;
          this.Events = new Events2(this);
          this._submitLock = new Sync("submit", this.Promise);
          this._registerLock = new Sync("register", this.Promise);
          storeOptions = parser2.load(options3, this.storeDefaults, {});
          this._store = function() {
            if (this.datastore === "redis" || this.datastore === "ioredis" || this.connection != null) {
              storeInstanceOptions = parser2.load(options3, this.redisStoreDefaults, {});
              return new RedisDatastore(this, storeOptions, storeInstanceOptions);
            } else if (this.datastore === "local") {
              storeInstanceOptions = parser2.load(options3, this.localStoreDefaults, {});
              return new LocalDatastore(this, storeOptions, storeInstanceOptions);
            } else {
              throw new Bottleneck3.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`);
            }
          }.call(this);
          this._queues.on("leftzero", () => {
            var ref;
            return (ref = this._store.heartbeat) != null ? typeof ref.ref === "function" ? ref.ref() : void 0 : void 0;
          });
          this._queues.on("zero", () => {
            var ref;
            return (ref = this._store.heartbeat) != null ? typeof ref.unref === "function" ? ref.unref() : void 0 : void 0;
          });
        }
        _validateOptions(options3, invalid) {
          if (!(options3 != null && typeof options3 === "object" && invalid.length === 0)) {
            throw new Bottleneck3.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.");
          }
        }
        ready() {
          return this._store.ready;
        }
        clients() {
          return this._store.clients;
        }
        channel() {
          return `b_${this.id}`;
        }
        channel_client() {
          return `b_${this.id}_${this._store.clientId}`;
        }
        publish(message) {
          return this._store.__publish__(message);
        }
        disconnect(flush = true) {
          return this._store.__disconnect__(flush);
        }
        chain(_limiter) {
          this._limiter = _limiter;
          return this;
        }
        queued(priority) {
          return this._queues.queued(priority);
        }
        clusterQueued() {
          return this._store.__queued__();
        }
        empty() {
          return this.queued() === 0 && this._submitLock.isEmpty();
        }
        running() {
          return this._store.__running__();
        }
        done() {
          return this._store.__done__();
        }
        jobStatus(id) {
          return this._states.jobStatus(id);
        }
        jobs(status) {
          return this._states.statusJobs(status);
        }
        counts() {
          return this._states.statusCounts();
        }
        _randomIndex() {
          return Math.random().toString(36).slice(2);
        }
        check(weight = 1) {
          return this._store.__check__(weight);
        }
        _clearGlobalState(index) {
          if (this._scheduled[index] != null) {
            clearTimeout(this._scheduled[index].expiration);
            delete this._scheduled[index];
            return true;
          } else {
            return false;
          }
        }
        _free(index, job, options3, eventInfo) {
          var _this = this;
          return _asyncToGenerator2(function* () {
            var e, running;
            try {
              var _ref = yield _this._store.__free__(index, options3.weight);
              running = _ref.running;
              _this.Events.trigger("debug", `Freed ${options3.id}`, eventInfo);
              if (running === 0 && _this.empty()) {
                return _this.Events.trigger("idle");
              }
            } catch (error1) {
              e = error1;
              return _this.Events.trigger("error", e);
            }
          })();
        }
        _run(index, job, wait) {
          var clearGlobalState, free, run;
          job.doRun();
          clearGlobalState = this._clearGlobalState.bind(this, index);
          run = this._run.bind(this, index, job);
          free = this._free.bind(this, index, job);
          return this._scheduled[index] = {
            timeout: setTimeout(() => {
              return job.doExecute(this._limiter, clearGlobalState, run, free);
            }, wait),
            expiration: job.options.expiration != null ? setTimeout(function() {
              return job.doExpire(clearGlobalState, run, free);
            }, wait + job.options.expiration) : void 0,
            job
          };
        }
        _drainOne(capacity) {
          return this._registerLock.schedule(() => {
            var args, index, next, options3, queue;
            if (this.queued() === 0) {
              return this.Promise.resolve(null);
            }
            queue = this._queues.getFirst();
            var _next2 = next = queue.first();
            options3 = _next2.options;
            args = _next2.args;
            if (capacity != null && options3.weight > capacity) {
              return this.Promise.resolve(null);
            }
            this.Events.trigger("debug", `Draining ${options3.id}`, {
              args,
              options: options3
            });
            index = this._randomIndex();
            return this._store.__register__(index, options3.weight, options3.expiration).then(({
              success,
              wait,
              reservoir
            }) => {
              var empty;
              this.Events.trigger("debug", `Drained ${options3.id}`, {
                success,
                args,
                options: options3
              });
              if (success) {
                queue.shift();
                empty = this.empty();
                if (empty) {
                  this.Events.trigger("empty");
                }
                if (reservoir === 0) {
                  this.Events.trigger("depleted", empty);
                }
                this._run(index, next, wait);
                return this.Promise.resolve(options3.weight);
              } else {
                return this.Promise.resolve(null);
              }
            });
          });
        }
        _drainAll(capacity, total = 0) {
          return this._drainOne(capacity).then((drained) => {
            var newCapacity;
            if (drained != null) {
              newCapacity = capacity != null ? capacity - drained : capacity;
              return this._drainAll(newCapacity, total + drained);
            } else {
              return this.Promise.resolve(total);
            }
          }).catch((e) => {
            return this.Events.trigger("error", e);
          });
        }
        _dropAllQueued(message) {
          return this._queues.shiftAll(function(job) {
            return job.doDrop({
              message
            });
          });
        }
        stop(options3 = {}) {
          var done, waitForExecuting;
          options3 = parser2.load(options3, this.stopDefaults);
          waitForExecuting = (at) => {
            var finished;
            finished = () => {
              var counts;
              counts = this._states.counts;
              return counts[0] + counts[1] + counts[2] + counts[3] === at;
            };
            return new this.Promise((resolve, reject) => {
              if (finished()) {
                return resolve();
              } else {
                return this.on("done", () => {
                  if (finished()) {
                    this.removeAllListeners("done");
                    return resolve();
                  }
                });
              }
            });
          };
          done = options3.dropWaitingJobs ? (this._run = function(index, next) {
            return next.doDrop({
              message: options3.dropErrorMessage
            });
          }, this._drainOne = () => {
            return this.Promise.resolve(null);
          }, this._registerLock.schedule(() => {
            return this._submitLock.schedule(() => {
              var k2, ref, v2;
              ref = this._scheduled;
              for (k2 in ref) {
                v2 = ref[k2];
                if (this.jobStatus(v2.job.options.id) === "RUNNING") {
                  clearTimeout(v2.timeout);
                  clearTimeout(v2.expiration);
                  v2.job.doDrop({
                    message: options3.dropErrorMessage
                  });
                }
              }
              this._dropAllQueued(options3.dropErrorMessage);
              return waitForExecuting(0);
            });
          })) : this.schedule({
            priority: NUM_PRIORITIES - 1,
            weight: 0
          }, () => {
            return waitForExecuting(1);
          });
          this._receive = function(job) {
            return job._reject(new Bottleneck3.prototype.BottleneckError(options3.enqueueErrorMessage));
          };
          this.stop = () => {
            return this.Promise.reject(new Bottleneck3.prototype.BottleneckError("stop() has already been called"));
          };
          return done;
        }
        _addToQueue(job) {
          var _this2 = this;
          return _asyncToGenerator2(function* () {
            var args, blocked, error, options3, reachedHWM, shifted, strategy;
            args = job.args;
            options3 = job.options;
            try {
              var _ref2 = yield _this2._store.__submit__(_this2.queued(), options3.weight);
              reachedHWM = _ref2.reachedHWM;
              blocked = _ref2.blocked;
              strategy = _ref2.strategy;
            } catch (error1) {
              error = error1;
              _this2.Events.trigger("debug", `Could not queue ${options3.id}`, {
                args,
                options: options3,
                error
              });
              job.doDrop({
                error
              });
              return false;
            }
            if (blocked) {
              job.doDrop();
              return true;
            } else if (reachedHWM) {
              shifted = strategy === Bottleneck3.prototype.strategy.LEAK ? _this2._queues.shiftLastFrom(options3.priority) : strategy === Bottleneck3.prototype.strategy.OVERFLOW_PRIORITY ? _this2._queues.shiftLastFrom(options3.priority + 1) : strategy === Bottleneck3.prototype.strategy.OVERFLOW ? job : void 0;
              if (shifted != null) {
                shifted.doDrop();
              }
              if (shifted == null || strategy === Bottleneck3.prototype.strategy.OVERFLOW) {
                if (shifted == null) {
                  job.doDrop();
                }
                return reachedHWM;
              }
            }
            job.doQueue(reachedHWM, blocked);
            _this2._queues.push(job);
            yield _this2._drainAll();
            return reachedHWM;
          })();
        }
        _receive(job) {
          if (this._states.jobStatus(job.options.id) != null) {
            job._reject(new Bottleneck3.prototype.BottleneckError(`A job with the same id already exists (id=${job.options.id})`));
            return false;
          } else {
            job.doReceive();
            return this._submitLock.schedule(this._addToQueue, job);
          }
        }
        submit(...args) {
          var cb, fn, job, options3, ref, ref1, task;
          if (typeof args[0] === "function") {
            var _ref3, _ref4, _splice$call, _splice$call2;
            ref = args, _ref3 = ref, _ref4 = _toArray(_ref3), fn = _ref4[0], args = _ref4.slice(1), _ref3, _splice$call = splice.call(args, -1), _splice$call2 = _slicedToArray2(_splice$call, 1), cb = _splice$call2[0], _splice$call;
            options3 = parser2.load({}, this.jobDefaults);
          } else {
            var _ref5, _ref6, _splice$call3, _splice$call4;
            ref1 = args, _ref5 = ref1, _ref6 = _toArray(_ref5), options3 = _ref6[0], fn = _ref6[1], args = _ref6.slice(2), _ref5, _splice$call3 = splice.call(args, -1), _splice$call4 = _slicedToArray2(_splice$call3, 1), cb = _splice$call4[0], _splice$call3;
            options3 = parser2.load(options3, this.jobDefaults);
          }
          task = (...args2) => {
            return new this.Promise(function(resolve, reject) {
              return fn(...args2, function(...args3) {
                return (args3[0] != null ? reject : resolve)(args3);
              });
            });
          };
          job = new Job(task, args, options3, this.jobDefaults, this.rejectOnDrop, this.Events, this._states, this.Promise);
          job.promise.then(function(args2) {
            return typeof cb === "function" ? cb(...args2) : void 0;
          }).catch(function(args2) {
            if (Array.isArray(args2)) {
              return typeof cb === "function" ? cb(...args2) : void 0;
            } else {
              return typeof cb === "function" ? cb(args2) : void 0;
            }
          });
          return this._receive(job);
        }
        schedule(...args) {
          var job, options3, task;
          if (typeof args[0] === "function") {
            var _args = args;
            var _args2 = _toArray(_args);
            task = _args2[0];
            args = _args2.slice(1);
            options3 = {};
          } else {
            var _args3 = args;
            var _args4 = _toArray(_args3);
            options3 = _args4[0];
            task = _args4[1];
            args = _args4.slice(2);
          }
          job = new Job(task, args, options3, this.jobDefaults, this.rejectOnDrop, this.Events, this._states, this.Promise);
          this._receive(job);
          return job.promise;
        }
        wrap(fn) {
          var schedule, wrapped;
          schedule = this.schedule.bind(this);
          wrapped = function wrapped2(...args) {
            return schedule(fn.bind(this), ...args);
          };
          wrapped.withOptions = function(options3, ...args) {
            return schedule(options3, fn, ...args);
          };
          return wrapped;
        }
        updateSettings(options3 = {}) {
          var _this3 = this;
          return _asyncToGenerator2(function* () {
            yield _this3._store.__updateSettings__(parser2.overwrite(options3, _this3.storeDefaults));
            parser2.overwrite(options3, _this3.instanceDefaults, _this3);
            return _this3;
          })();
        }
        currentReservoir() {
          return this._store.__currentReservoir__();
        }
        incrementReservoir(incr = 0) {
          return this._store.__incrementReservoir__(incr);
        }
      }
      ;
      Bottleneck3.default = Bottleneck3;
      Bottleneck3.Events = Events2;
      Bottleneck3.version = Bottleneck3.prototype.version = require_version().version;
      Bottleneck3.strategy = Bottleneck3.prototype.strategy = {
        LEAK: 1,
        OVERFLOW: 2,
        OVERFLOW_PRIORITY: 4,
        BLOCK: 3
      };
      Bottleneck3.BottleneckError = Bottleneck3.prototype.BottleneckError = require_BottleneckError();
      Bottleneck3.Group = Bottleneck3.prototype.Group = require_Group();
      Bottleneck3.RedisConnection = Bottleneck3.prototype.RedisConnection = require_RedisConnection();
      Bottleneck3.IORedisConnection = Bottleneck3.prototype.IORedisConnection = require_IORedisConnection();
      Bottleneck3.Batcher = Bottleneck3.prototype.Batcher = require_Batcher();
      Bottleneck3.prototype.jobDefaults = {
        priority: DEFAULT_PRIORITY,
        weight: 1,
        expiration: null,
        id: "<no-id>"
      };
      Bottleneck3.prototype.storeDefaults = {
        maxConcurrent: null,
        minTime: 0,
        highWater: null,
        strategy: Bottleneck3.prototype.strategy.LEAK,
        penalty: null,
        reservoir: null,
        reservoirRefreshInterval: null,
        reservoirRefreshAmount: null,
        reservoirIncreaseInterval: null,
        reservoirIncreaseAmount: null,
        reservoirIncreaseMaximum: null
      };
      Bottleneck3.prototype.localStoreDefaults = {
        Promise,
        timeout: null,
        heartbeatInterval: 250
      };
      Bottleneck3.prototype.redisStoreDefaults = {
        Promise,
        timeout: null,
        heartbeatInterval: 5e3,
        clientTimeout: 1e4,
        Redis: null,
        clientOptions: {},
        clusterNodes: null,
        clearDatastore: false,
        connection: null
      };
      Bottleneck3.prototype.instanceDefaults = {
        datastore: "local",
        connection: null,
        id: "<no-id>",
        rejectOnDrop: true,
        trackDoneStatus: false,
        Promise
      };
      Bottleneck3.prototype.stopDefaults = {
        enqueueErrorMessage: "This limiter has been stopped and cannot accept new jobs.",
        dropWaitingJobs: true,
        dropErrorMessage: "This limiter has been stopped."
      };
      return Bottleneck3;
    }.call(void 0);
    module2.exports = Bottleneck2;
  }
});

// node_modules/bottleneck/lib/index.js
var require_lib2 = __commonJS({
  "node_modules/bottleneck/lib/index.js"(exports2, module2) {
    "use strict";
    module2.exports = require_Bottleneck();
  }
});

// src/config/dotenv.ts
import { existsSync } from "node:fs";
import path from "node:path";
function loadDotEnv(file = path.resolve(".env")) {
  if (!existsSync(file)) return;
  const before = { ...process.env };
  process.loadEnvFile(file);
  Object.assign(process.env, before);
}

// src/cli/cli-context.ts
import { existsSync as existsSync2 } from "node:fs";

// src/config/fleet-file.ts
var import_json5 = __toESM(require_lib(), 1);
import { readFileSync } from "node:fs";
import path3 from "node:path";

// src/protocol/node-key.ts
var MIN_KEY_BYTES = 32;
function decodeNodeKey(text) {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error("must be 64 hex characters or base64");
  }
  return Buffer.from(trimmed, trimmed.includes("-") || trimmed.includes("_") ? "base64url" : "base64");
}
var nodeKeySchema = external_exports.string({ error: (issue) => issue.input === void 0 ? "is required (generate one with: openssl rand -hex 32)" : "expected a string" }).transform((text, ctx) => {
  let key;
  try {
    key = decodeNodeKey(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: error.message });
    return external_exports.NEVER;
  }
  if (key.length < MIN_KEY_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `must hold ${MIN_KEY_BYTES}+ random bytes (64 hex characters or 44+ base64 characters); it decodes to ${key.length} bytes`
    });
    return external_exports.NEVER;
  }
  return key;
});

// src/config/agent-env.ts
import os from "node:os";
import path2 from "node:path";

// src/config/command-line.ts
var import_shell_quote = __toESM(require_shell_quote(), 1);
var commandLineSchema = external_exports.string().trim().min(1, "must not be empty").transform((text, ctx) => {
  const argv = [];
  for (const entry of (0, import_shell_quote.parse)(text, (name) => `$${name}`)) {
    if (typeof entry !== "string") {
      ctx.addIssue({
        code: "custom",
        message: "is run without a shell: operators, redirections and globs are not allowed (wrap them in a script)"
      });
      return external_exports.NEVER;
    }
    argv.push(entry);
  }
  if (argv.length === 0) {
    ctx.addIssue({ code: "custom", message: "must name a command" });
    return external_exports.NEVER;
  }
  return argv;
});

// src/config/duration.ts
var import_ms = __toESM(require_ms(), 1);
var durationSchema = external_exports.string().trim().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/i, {
  message: "expected a duration such as 500ms, 90s, 5m, 24h or 7d"
}).transform((text, ctx) => {
  const millis = (0, import_ms.default)(text);
  if (typeof millis !== "number" || !Number.isFinite(millis) || millis <= 0) {
    ctx.addIssue({ code: "custom", message: "expected a positive duration" });
    return external_exports.NEVER;
  }
  return Math.round(millis);
});
function formatDuration(millis) {
  const sign = millis < 0 ? "-" : "";
  let rest = Math.abs(Math.round(millis));
  if (rest < 1e3) return `${sign}${rest}ms`;
  const units = [
    ["d", 864e5],
    ["h", 36e5],
    ["m", 6e4],
    ["s", 1e3]
  ];
  const parts = [];
  for (const [label, size2] of units) {
    if (rest >= size2) {
      parts.push(`${Math.floor(rest / size2)}${label}`);
      rest %= size2;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(" ");
}

// src/config/format-issues.ts
function formatIssues(issues, prefix) {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    const head = [prefix, where].filter(Boolean).join(": ");
    const message = issue.code === "invalid_key" && issue.issues.length > 0 ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
    return head ? `${head}: ${message}` : message;
  });
}
function formatPath(path5) {
  let out = "";
  for (const part of path5) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

// src/config/listen-address.ts
var listenAddressSchema = external_exports.string().trim().transform((text, ctx) => {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    ctx.addIssue({ code: "custom", message: "expected host:port, e.g. 127.0.0.1:7420" });
    return external_exports.NEVER;
  }
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
});

// src/config/metrics-switch.ts
var metricsSwitchSchema = external_exports.enum(["on", "off"], { error: "expected on or off (metrics are served only with TOKENOPS_METRICS=on)" }).default("off").transform((value) => value === "on");

// src/config/agent-env.ts
var nodeNameSchema = external_exports.string({ error: (issue) => issue.input === void 0 ? "is required" : "expected a string" }).trim().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'expected a node name of letters, digits, ".", "_" or "-" (max 63)');
function expandHome(dir) {
  if (dir === "~") return os.homedir();
  if (dir.startsWith("~/")) return path2.join(os.homedir(), dir.slice(2));
  return path2.resolve(dir);
}
var agentEnvSchema = external_exports.object({
  TOKENOPS_NODE: nodeNameSchema.describe("this node's name, as in the fleet file"),
  TOKENOPS_AGENT_KEY: nodeKeySchema,
  TOKENOPS_LISTEN: listenAddressSchema.default({ host: "127.0.0.1", port: 7420 }),
  OPENCLAW_STATE_DIR: external_exports.string().trim().min(1).default("~/.openclaw").transform(expandHome),
  TOKENOPS_RESTART_CMD: commandLineSchema.default(["openclaw", "gateway", "restart"]),
  TOKENOPS_GATEWAY_URL: external_exports.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).default("http://127.0.0.1:18789"),
  TOKENOPS_WARN_BEFORE: durationSchema.default(24 * 36e5),
  // Extensions: sensible defaults, named so an operator can find them in .env.example.
  /** Command that sets an OpenClaw config key; `<key> <value>` are appended. */
  TOKENOPS_CONFIG_SET_CMD: commandLineSchema.default(["openclaw", "config", "set"]),
  /** How long a write waits for OpenClaw's store lock before answering 409. */
  TOKENOPS_LOCK_WAIT: durationSchema.default(1e4),
  /** How long the restart command may run. */
  TOKENOPS_RESTART_TIMEOUT: durationSchema.default(6e4),
  /** How long to wait for `/readyz` after a restart. */
  TOKENOPS_READY_DEADLINE: durationSchema.default(12e4),
  /** Fallback poll of the stores, for file systems where watching misses changes. */
  TOKENOPS_POLL_EVERY: durationSchema.default(3e4),
  /** Backups kept per store file; older ones are pruned after each write. */
  TOKENOPS_BACKUPS_KEEP: external_exports.coerce.number().int().min(1).max(1e3).default(10),
  /** A JSON file of OAuth token endpoints and client ids per provider, over the defaults. */
  TOKENOPS_OAUTH_PROVIDERS: external_exports.string().trim().min(1).optional(),
  TOKENOPS_LOG_LEVEL: external_exports.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `GET /metrics` (Prometheus text, unsigned) on the agent's own listener; off: 404 like any unknown path. */
  TOKENOPS_METRICS: metricsSwitchSchema
});
function presentOnly(env) {
  const out = {};
  for (const [name, value] of Object.entries(env)) if (value !== void 0 && value !== "") out[name] = value;
  return out;
}

// node_modules/croner/dist/croner.js
function h(n2, t, e, r, s, i, a, l) {
  return h.fromTZ(h.tp(n2, t, e, r, s, i, a), l);
}
h.fromTZISO = (n2, t, e) => h.fromTZ(k(n2, t), e);
h.fromTZ = function(n2, t) {
  let e = new Date(Date.UTC(n2.y, n2.m - 1, n2.d, n2.h, n2.i, n2.s)), r = D(n2.tz, e), s = new Date(e.getTime() - r), i = D(n2.tz, s);
  if (i - r === 0) return s;
  {
    let a = new Date(e.getTime() - i), l = D(n2.tz, a);
    if (l - i === 0) return a;
    if (!t && l - i > 0) return a;
    if (t) throw new Error("Invalid date passed to fromTZ()");
    return s;
  }
};
h.toTZ = function(n2, t) {
  let e = n2.toLocaleString("en-US", { timeZone: t }).replace(/[\u202f]/, " "), r = new Date(e);
  return { y: r.getFullYear(), m: r.getMonth() + 1, d: r.getDate(), h: r.getHours(), i: r.getMinutes(), s: r.getSeconds(), tz: t };
};
h.tp = (n2, t, e, r, s, i, a) => ({ y: n2, m: t, d: e, h: r, i: s, s: i, tz: a });
function D(n2, t = /* @__PURE__ */ new Date()) {
  let e = t.toLocaleString("en-US", { timeZone: n2, timeZoneName: "shortOffset" }).split(" ").slice(-1)[0], r = t.toLocaleString("en-US").replace(/[\u202f]/, " ");
  return Date.parse(`${r} GMT`) - Date.parse(`${r} ${e}`);
}
function k(n2, t) {
  let e = new Date(Date.parse(n2));
  if (isNaN(e)) throw new Error("minitz: Invalid ISO8601 passed to parser.");
  let r = n2.substring(9);
  return n2.includes("Z") || r.includes("-") || r.includes("+") ? h.tp(e.getUTCFullYear(), e.getUTCMonth() + 1, e.getUTCDate(), e.getUTCHours(), e.getUTCMinutes(), e.getUTCSeconds(), "Etc/UTC") : h.tp(e.getFullYear(), e.getMonth() + 1, e.getDate(), e.getHours(), e.getMinutes(), e.getSeconds(), t);
}
h.minitz = h;
var b = 32;
var p = 31 | b;
var v = [1, 2, 4, 8, 16];
var d = class {
  pattern;
  timezone;
  second;
  minute;
  hour;
  day;
  month;
  dayOfWeek;
  lastDayOfMonth;
  starDOM;
  starDOW;
  constructor(t, e) {
    this.pattern = t, this.timezone = e, this.second = Array(60).fill(0), this.minute = Array(60).fill(0), this.hour = Array(24).fill(0), this.day = Array(31).fill(0), this.month = Array(12).fill(0), this.dayOfWeek = Array(7).fill(0), this.lastDayOfMonth = false, this.starDOM = false, this.starDOW = false, this.parse();
  }
  parse() {
    if (!(typeof this.pattern == "string" || this.pattern instanceof String)) throw new TypeError("CronPattern: Pattern has to be of type string.");
    this.pattern.indexOf("@") >= 0 && (this.pattern = this.handleNicknames(this.pattern).trim());
    let t = this.pattern.replace(/\s+/g, " ").split(" ");
    if (t.length < 5 || t.length > 6) throw new TypeError("CronPattern: invalid configuration format ('" + this.pattern + "'), exactly five or six space separated parts are required.");
    if (t.length === 5 && t.unshift("0"), t[3].indexOf("L") >= 0 && (t[3] = t[3].replace("L", ""), this.lastDayOfMonth = true), t[3] == "*" && (this.starDOM = true), t[4].length >= 3 && (t[4] = this.replaceAlphaMonths(t[4])), t[5].length >= 3 && (t[5] = this.replaceAlphaDays(t[5])), t[5] == "*" && (this.starDOW = true), this.pattern.indexOf("?") >= 0) {
      let e = new f(/* @__PURE__ */ new Date(), this.timezone).getDate(true);
      t[0] = t[0].replace("?", e.getSeconds().toString()), t[1] = t[1].replace("?", e.getMinutes().toString()), t[2] = t[2].replace("?", e.getHours().toString()), this.starDOM || (t[3] = t[3].replace("?", e.getDate().toString())), t[4] = t[4].replace("?", (e.getMonth() + 1).toString()), this.starDOW || (t[5] = t[5].replace("?", e.getDay().toString()));
    }
    this.throwAtIllegalCharacters(t), this.partToArray("second", t[0], 0, 1), this.partToArray("minute", t[1], 0, 1), this.partToArray("hour", t[2], 0, 1), this.partToArray("day", t[3], -1, 1), this.partToArray("month", t[4], -1, 1), this.partToArray("dayOfWeek", t[5], 0, p), this.dayOfWeek[7] && (this.dayOfWeek[0] = this.dayOfWeek[7]);
  }
  partToArray(t, e, r, s) {
    let i = this[t], a = t === "day" && this.lastDayOfMonth;
    if (e === "" && !a) throw new TypeError("CronPattern: configuration entry " + t + " (" + e + ") is empty, check for trailing spaces.");
    if (e === "*") return i.fill(s);
    let l = e.split(",");
    if (l.length > 1) for (let o = 0; o < l.length; o++) this.partToArray(t, l[o], r, s);
    else e.indexOf("-") !== -1 && e.indexOf("/") !== -1 ? this.handleRangeWithStepping(e, t, r, s) : e.indexOf("-") !== -1 ? this.handleRange(e, t, r, s) : e.indexOf("/") !== -1 ? this.handleStepping(e, t, r, s) : e !== "" && this.handleNumber(e, t, r, s);
  }
  throwAtIllegalCharacters(t) {
    for (let e = 0; e < t.length; e++) if ((e === 5 ? /[^/*0-9,\-#L]+/ : /[^/*0-9,-]+/).test(t[e])) throw new TypeError("CronPattern: configuration entry " + e + " (" + t[e] + ") contains illegal characters.");
  }
  handleNumber(t, e, r, s) {
    let i = this.extractNth(t, e), a = parseInt(i[0], 10) + r;
    if (isNaN(a)) throw new TypeError("CronPattern: " + e + " is not a number: '" + t + "'");
    this.setPart(e, a, i[1] || s);
  }
  setPart(t, e, r) {
    if (!Object.prototype.hasOwnProperty.call(this, t)) throw new TypeError("CronPattern: Invalid part specified: " + t);
    if (t === "dayOfWeek") {
      if (e === 7 && (e = 0), e < 0 || e > 6) throw new RangeError("CronPattern: Invalid value for dayOfWeek: " + e);
      this.setNthWeekdayOfMonth(e, r);
      return;
    }
    if (t === "second" || t === "minute") {
      if (e < 0 || e >= 60) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e);
    } else if (t === "hour") {
      if (e < 0 || e >= 24) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e);
    } else if (t === "day") {
      if (e < 0 || e >= 31) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e);
    } else if (t === "month" && (e < 0 || e >= 12)) throw new RangeError("CronPattern: Invalid value for " + t + ": " + e);
    this[t][e] = r;
  }
  handleRangeWithStepping(t, e, r, s) {
    let i = this.extractNth(t, e), a = i[0].match(/^(\d+)-(\d+)\/(\d+)$/);
    if (a === null) throw new TypeError("CronPattern: Syntax error, illegal range with stepping: '" + t + "'");
    let [, l, o, u] = a, c = parseInt(l, 10) + r, w = parseInt(o, 10) + r, C = parseInt(u, 10);
    if (isNaN(c)) throw new TypeError("CronPattern: Syntax error, illegal lower range (NaN)");
    if (isNaN(w)) throw new TypeError("CronPattern: Syntax error, illegal upper range (NaN)");
    if (isNaN(C)) throw new TypeError("CronPattern: Syntax error, illegal stepping: (NaN)");
    if (C === 0) throw new TypeError("CronPattern: Syntax error, illegal stepping: 0");
    if (C > this[e].length) throw new TypeError("CronPattern: Syntax error, steps cannot be greater than maximum value of part (" + this[e].length + ")");
    if (c > w) throw new TypeError("CronPattern: From value is larger than to value: '" + t + "'");
    for (let T = c; T <= w; T += C) this.setPart(e, T, i[1] || s);
  }
  extractNth(t, e) {
    let r = t, s;
    if (r.includes("#")) {
      if (e !== "dayOfWeek") throw new Error("CronPattern: nth (#) only allowed in day-of-week field");
      s = r.split("#")[1], r = r.split("#")[0];
    }
    return [r, s];
  }
  handleRange(t, e, r, s) {
    let i = this.extractNth(t, e), a = i[0].split("-");
    if (a.length !== 2) throw new TypeError("CronPattern: Syntax error, illegal range: '" + t + "'");
    let l = parseInt(a[0], 10) + r, o = parseInt(a[1], 10) + r;
    if (isNaN(l)) throw new TypeError("CronPattern: Syntax error, illegal lower range (NaN)");
    if (isNaN(o)) throw new TypeError("CronPattern: Syntax error, illegal upper range (NaN)");
    if (l > o) throw new TypeError("CronPattern: From value is larger than to value: '" + t + "'");
    for (let u = l; u <= o; u++) this.setPart(e, u, i[1] || s);
  }
  handleStepping(t, e, r, s) {
    let i = this.extractNth(t, e), a = i[0].split("/");
    if (a.length !== 2) throw new TypeError("CronPattern: Syntax error, illegal stepping: '" + t + "'");
    a[0] === "" && (a[0] = "*");
    let l = 0;
    a[0] !== "*" && (l = parseInt(a[0], 10) + r);
    let o = parseInt(a[1], 10);
    if (isNaN(o)) throw new TypeError("CronPattern: Syntax error, illegal stepping: (NaN)");
    if (o === 0) throw new TypeError("CronPattern: Syntax error, illegal stepping: 0");
    if (o > this[e].length) throw new TypeError("CronPattern: Syntax error, max steps for part is (" + this[e].length + ")");
    for (let u = l; u < this[e].length; u += o) this.setPart(e, u, i[1] || s);
  }
  replaceAlphaDays(t) {
    return t.replace(/-sun/gi, "-7").replace(/sun/gi, "0").replace(/mon/gi, "1").replace(/tue/gi, "2").replace(/wed/gi, "3").replace(/thu/gi, "4").replace(/fri/gi, "5").replace(/sat/gi, "6");
  }
  replaceAlphaMonths(t) {
    return t.replace(/jan/gi, "1").replace(/feb/gi, "2").replace(/mar/gi, "3").replace(/apr/gi, "4").replace(/may/gi, "5").replace(/jun/gi, "6").replace(/jul/gi, "7").replace(/aug/gi, "8").replace(/sep/gi, "9").replace(/oct/gi, "10").replace(/nov/gi, "11").replace(/dec/gi, "12");
  }
  handleNicknames(t) {
    let e = t.trim().toLowerCase();
    return e === "@yearly" || e === "@annually" ? "0 0 1 1 *" : e === "@monthly" ? "0 0 1 * *" : e === "@weekly" ? "0 0 * * 0" : e === "@daily" ? "0 0 * * *" : e === "@hourly" ? "0 * * * *" : t;
  }
  setNthWeekdayOfMonth(t, e) {
    if (typeof e != "number" && e === "L") this.dayOfWeek[t] = this.dayOfWeek[t] | b;
    else if (e === p) this.dayOfWeek[t] = p;
    else if (e < 6 && e > 0) this.dayOfWeek[t] = this.dayOfWeek[t] | v[e - 1];
    else throw new TypeError(`CronPattern: nth weekday out of range, should be 1-5 or L. Value: ${e}, Type: ${typeof e}`);
  }
};
var O = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
var m = [["month", "year", 0], ["day", "month", -1], ["hour", "day", 0], ["minute", "hour", 0], ["second", "minute", 0]];
var f = class n {
  tz;
  ms;
  second;
  minute;
  hour;
  day;
  month;
  year;
  constructor(t, e) {
    if (this.tz = e, t && t instanceof Date) if (!isNaN(t)) this.fromDate(t);
    else throw new TypeError("CronDate: Invalid date passed to CronDate constructor");
    else if (t === void 0) this.fromDate(/* @__PURE__ */ new Date());
    else if (t && typeof t == "string") this.fromString(t);
    else if (t instanceof n) this.fromCronDate(t);
    else throw new TypeError("CronDate: Invalid type (" + typeof t + ") passed to CronDate constructor");
  }
  isNthWeekdayOfMonth(t, e, r, s) {
    let a = new Date(Date.UTC(t, e, r)).getUTCDay(), l = 0;
    for (let o = 1; o <= r; o++) new Date(Date.UTC(t, e, o)).getUTCDay() === a && l++;
    if (s & p && v[l - 1] & s) return true;
    if (s & b) {
      let o = new Date(Date.UTC(t, e + 1, 0)).getUTCDate();
      for (let u = r + 1; u <= o; u++) if (new Date(Date.UTC(t, e, u)).getUTCDay() === a) return false;
      return true;
    }
    return false;
  }
  fromDate(t) {
    if (this.tz !== void 0) if (typeof this.tz == "number") this.ms = t.getUTCMilliseconds(), this.second = t.getUTCSeconds(), this.minute = t.getUTCMinutes() + this.tz, this.hour = t.getUTCHours(), this.day = t.getUTCDate(), this.month = t.getUTCMonth(), this.year = t.getUTCFullYear(), this.apply();
    else {
      let e = h.toTZ(t, this.tz);
      this.ms = t.getMilliseconds(), this.second = e.s, this.minute = e.i, this.hour = e.h, this.day = e.d, this.month = e.m - 1, this.year = e.y;
    }
    else this.ms = t.getMilliseconds(), this.second = t.getSeconds(), this.minute = t.getMinutes(), this.hour = t.getHours(), this.day = t.getDate(), this.month = t.getMonth(), this.year = t.getFullYear();
  }
  fromCronDate(t) {
    this.tz = t.tz, this.year = t.year, this.month = t.month, this.day = t.day, this.hour = t.hour, this.minute = t.minute, this.second = t.second, this.ms = t.ms;
  }
  apply() {
    if (this.month > 11 || this.day > O[this.month] || this.hour > 59 || this.minute > 59 || this.second > 59 || this.hour < 0 || this.minute < 0 || this.second < 0) {
      let t = new Date(Date.UTC(this.year, this.month, this.day, this.hour, this.minute, this.second, this.ms));
      return this.ms = t.getUTCMilliseconds(), this.second = t.getUTCSeconds(), this.minute = t.getUTCMinutes(), this.hour = t.getUTCHours(), this.day = t.getUTCDate(), this.month = t.getUTCMonth(), this.year = t.getUTCFullYear(), true;
    } else return false;
  }
  fromString(t) {
    if (typeof this.tz == "number") {
      let e = h.fromTZISO(t);
      this.ms = e.getUTCMilliseconds(), this.second = e.getUTCSeconds(), this.minute = e.getUTCMinutes(), this.hour = e.getUTCHours(), this.day = e.getUTCDate(), this.month = e.getUTCMonth(), this.year = e.getUTCFullYear(), this.apply();
    } else return this.fromDate(h.fromTZISO(t, this.tz));
  }
  findNext(t, e, r, s) {
    let i = this[e], a;
    r.lastDayOfMonth && (this.month !== 1 ? a = O[this.month] : a = new Date(Date.UTC(this.year, this.month + 1, 0, 0, 0, 0, 0)).getUTCDate());
    let l = !r.starDOW && e == "day" ? new Date(Date.UTC(this.year, this.month, 1, 0, 0, 0, 0)).getUTCDay() : void 0;
    for (let o = this[e] + s; o < r[e].length; o++) {
      let u = r[e][o];
      if (e === "day" && r.lastDayOfMonth && o - s == a && (u = 1), e === "day" && !r.starDOW) {
        let c = r.dayOfWeek[(l + (o - s - 1)) % 7];
        if (c && c & p) c = this.isNthWeekdayOfMonth(this.year, this.month, o - s, c) ? 1 : 0;
        else if (c) throw new Error(`CronDate: Invalid value for dayOfWeek encountered. ${c}`);
        t.legacyMode && !r.starDOM ? u = u || c : u = u && c;
      }
      if (u) return this[e] = o - s, i !== this[e] ? 2 : 1;
    }
    return 3;
  }
  recurse(t, e, r) {
    let s = this.findNext(e, m[r][0], t, m[r][2]);
    if (s > 1) {
      let i = r + 1;
      for (; i < m.length; ) this[m[i][0]] = -m[i][2], i++;
      if (s === 3) return this[m[r][1]]++, this[m[r][0]] = -m[r][2], this.apply(), this.recurse(t, e, 0);
      if (this.apply()) return this.recurse(t, e, r - 1);
    }
    return r += 1, r >= m.length ? this : this.year >= 3e3 ? null : this.recurse(t, e, r);
  }
  increment(t, e, r) {
    return this.second += e.interval !== void 0 && e.interval > 1 && r ? e.interval : 1, this.ms = 0, this.apply(), this.recurse(t, e, 0);
  }
  getDate(t) {
    return t || this.tz === void 0 ? new Date(this.year, this.month, this.day, this.hour, this.minute, this.second, this.ms) : typeof this.tz == "number" ? new Date(Date.UTC(this.year, this.month, this.day, this.hour, this.minute - this.tz, this.second, this.ms)) : h.fromTZ(h.tp(this.year, this.month + 1, this.day, this.hour, this.minute, this.second, this.tz), false);
  }
  getTime() {
    return this.getDate(false).getTime();
  }
};
function N(n2) {
  if (n2 === void 0 && (n2 = {}), delete n2.name, n2.legacyMode = n2.legacyMode === void 0 ? true : n2.legacyMode, n2.paused = n2.paused === void 0 ? false : n2.paused, n2.maxRuns = n2.maxRuns === void 0 ? 1 / 0 : n2.maxRuns, n2.catch = n2.catch === void 0 ? false : n2.catch, n2.interval = n2.interval === void 0 ? 0 : parseInt(n2.interval.toString(), 10), n2.utcOffset = n2.utcOffset === void 0 ? void 0 : parseInt(n2.utcOffset.toString(), 10), n2.unref = n2.unref === void 0 ? false : n2.unref, n2.startAt && (n2.startAt = new f(n2.startAt, n2.timezone)), n2.stopAt && (n2.stopAt = new f(n2.stopAt, n2.timezone)), n2.interval !== null) {
    if (isNaN(n2.interval)) throw new Error("CronOptions: Supplied value for interval is not a number");
    if (n2.interval < 0) throw new Error("CronOptions: Supplied value for interval can not be negative");
  }
  if (n2.utcOffset !== void 0) {
    if (isNaN(n2.utcOffset)) throw new Error("CronOptions: Invalid value passed for utcOffset, should be number representing minutes offset from UTC.");
    if (n2.utcOffset < -870 || n2.utcOffset > 870) throw new Error("CronOptions: utcOffset out of bounds.");
    if (n2.utcOffset !== void 0 && n2.timezone) throw new Error("CronOptions: Combining 'utcOffset' with 'timezone' is not allowed.");
  }
  if (n2.unref !== true && n2.unref !== false) throw new Error("CronOptions: Unref should be either true, false or undefined(false).");
  return n2;
}
function g(n2) {
  return Object.prototype.toString.call(n2) === "[object Function]" || typeof n2 == "function" || n2 instanceof Function;
}
function S(n2) {
  return g(n2);
}
function P(n2) {
  typeof Deno < "u" && typeof Deno.unrefTimer < "u" ? Deno.unrefTimer(n2) : n2 && typeof n2.unref < "u" && n2.unref();
}
var _ = 30 * 1e3;
var y = [];
var R = class {
  name;
  options;
  _states;
  fn;
  constructor(t, e, r) {
    let s, i;
    if (g(e)) i = e;
    else if (typeof e == "object") s = e;
    else if (e !== void 0) throw new Error("Cron: Invalid argument passed for optionsIn. Should be one of function, or object (options).");
    if (g(r)) i = r;
    else if (typeof r == "object") s = r;
    else if (r !== void 0) throw new Error("Cron: Invalid argument passed for funcIn. Should be one of function, or object (options).");
    if (this.name = s?.name, this.options = N(s), this._states = { kill: false, blocking: false, previousRun: void 0, currentRun: void 0, once: void 0, currentTimeout: void 0, maxRuns: s ? s.maxRuns : void 0, paused: s ? s.paused : false, pattern: new d("* * * * *") }, t && (t instanceof Date || typeof t == "string" && t.indexOf(":") > 0) ? this._states.once = new f(t, this.options.timezone || this.options.utcOffset) : this._states.pattern = new d(t, this.options.timezone), this.name) {
      if (y.find((l) => l.name === this.name)) throw new Error("Cron: Tried to initialize new named job '" + this.name + "', but name already taken.");
      y.push(this);
    }
    return i !== void 0 && S(i) && (this.fn = i, this.schedule()), this;
  }
  nextRun(t) {
    let e = this._next(t);
    return e ? e.getDate(false) : null;
  }
  nextRuns(t, e) {
    this._states.maxRuns !== void 0 && t > this._states.maxRuns && (t = this._states.maxRuns);
    let r = [], s = e || this._states.currentRun || void 0;
    for (; t-- && (s = this.nextRun(s)); ) r.push(s);
    return r;
  }
  getPattern() {
    return this._states.pattern ? this._states.pattern.pattern : void 0;
  }
  isRunning() {
    let t = this.nextRun(this._states.currentRun), e = !this._states.paused, r = this.fn !== void 0, s = !this._states.kill;
    return e && r && s && t !== null;
  }
  isStopped() {
    return this._states.kill;
  }
  isBusy() {
    return this._states.blocking;
  }
  currentRun() {
    return this._states.currentRun ? this._states.currentRun.getDate() : null;
  }
  previousRun() {
    return this._states.previousRun ? this._states.previousRun.getDate() : null;
  }
  msToNext(t) {
    let e = this._next(t);
    return e ? t instanceof f || t instanceof Date ? e.getTime() - t.getTime() : e.getTime() - new f(t).getTime() : null;
  }
  stop() {
    this._states.kill = true, this._states.currentTimeout && clearTimeout(this._states.currentTimeout);
    let t = y.indexOf(this);
    t >= 0 && y.splice(t, 1);
  }
  pause() {
    return this._states.paused = true, !this._states.kill;
  }
  resume() {
    return this._states.paused = false, !this._states.kill;
  }
  schedule(t) {
    if (t && this.fn) throw new Error("Cron: It is not allowed to schedule two functions using the same Croner instance.");
    t && (this.fn = t);
    let e = this.msToNext(), r = this.nextRun(this._states.currentRun);
    return e == null || isNaN(e) || r === null ? this : (e > _ && (e = _), this._states.currentTimeout = setTimeout(() => this._checkTrigger(r), e), this._states.currentTimeout && this.options.unref && P(this._states.currentTimeout), this);
  }
  async _trigger(t) {
    if (this._states.blocking = true, this._states.currentRun = new f(void 0, this.options.timezone || this.options.utcOffset), this.options.catch) try {
      this.fn !== void 0 && await this.fn(this, this.options.context);
    } catch (e) {
      g(this.options.catch) && this.options.catch(e, this);
    }
    else this.fn !== void 0 && await this.fn(this, this.options.context);
    this._states.previousRun = new f(t, this.options.timezone || this.options.utcOffset), this._states.blocking = false;
  }
  async trigger() {
    await this._trigger();
  }
  runsLeft() {
    return this._states.maxRuns;
  }
  _checkTrigger(t) {
    let e = /* @__PURE__ */ new Date(), r = !this._states.paused && e.getTime() >= t.getTime(), s = this._states.blocking && this.options.protect;
    r && !s ? (this._states.maxRuns !== void 0 && this._states.maxRuns--, this._trigger()) : r && s && g(this.options.protect) && setTimeout(() => this.options.protect(this), 0), this.schedule();
  }
  _next(t) {
    let e = !!(t || this._states.currentRun), r = false;
    !t && this.options.startAt && this.options.interval && ([t, e] = this._calculatePreviousRun(t, e), r = !t), t = new f(t, this.options.timezone || this.options.utcOffset), this.options.startAt && t && t.getTime() < this.options.startAt.getTime() && (t = this.options.startAt);
    let s = this._states.once || new f(t, this.options.timezone || this.options.utcOffset);
    return !r && s !== this._states.once && (s = s.increment(this._states.pattern, this.options, e)), this._states.once && this._states.once.getTime() <= t.getTime() || s === null || this._states.maxRuns !== void 0 && this._states.maxRuns <= 0 || this._states.kill || this.options.stopAt && s.getTime() >= this.options.stopAt.getTime() ? null : s;
  }
  _calculatePreviousRun(t, e) {
    let r = new f(void 0, this.options.timezone || this.options.utcOffset), s = t;
    if (this.options.startAt.getTime() <= r.getTime()) {
      s = this.options.startAt;
      let i = s.getTime() + this.options.interval * 1e3;
      for (; i <= r.getTime(); ) s = new f(s, this.options.timezone || this.options.utcOffset).increment(this._states.pattern, this.options, true), i = s.getTime() + this.options.interval * 1e3;
      e = true;
    }
    return s === null && (s = void 0), [s, e];
  }
};

// src/config/schedule.ts
var scheduleSchema = external_exports.string().transform((text, ctx) => {
  const trimmed = text.trim();
  if (trimmed.split(/\s+/).length >= 5) {
    try {
      new R(trimmed, { paused: true }).stop();
      return trimmed;
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `not a valid cron expression (${error.message})` });
      return external_exports.NEVER;
    }
  }
  const duration = durationSchema.safeParse(trimmed);
  if (duration.success) return duration.data;
  ctx.addIssue({ code: "custom", message: "expected a duration such as 5m, or a cron expression such as */5 * * * *" });
  return external_exports.NEVER;
});

// src/config/renew-before.ts
var renewBeforeSchema = external_exports.string().transform((text, ctx) => {
  const trimmed = text.trim();
  const ratio = /^(\d+)\s*\/\s*(\d+)$/.exec(trimmed);
  const decimal = /^0?\.\d+$/.test(trimmed) ? Number(trimmed) : null;
  const value = ratio ? Number(ratio[1]) / Number(ratio[2]) : decimal;
  if (value !== null) {
    if (!Number.isFinite(value) || value <= 0 || value >= 1) {
      ctx.addIssue({ code: "custom", message: 'a fraction must be between 0 and 1, e.g. "1/3"' });
      return external_exports.NEVER;
    }
    return { kind: "fraction", value };
  }
  const duration = durationSchema.safeParse(trimmed);
  if (duration.success) return { kind: "duration", ms: duration.data };
  ctx.addIssue({ code: "custom", message: 'expected a fraction of the lifetime such as "1/3", or a duration such as "20m"' });
  return external_exports.NEVER;
});

// src/config/fleet-file.ts
var ownerPatternSchema = external_exports.string().regex(/^[a-z0-9][a-z0-9._-]*:[^\s/\\]+$/i, 'expected a profile pattern like "anthropic:*" or "anthropic:default"');
var fleetFileSchema = external_exports.strictObject({
  nodes: external_exports.array(
    external_exports.strictObject({
      name: nodeNameSchema,
      url: external_exports.url({ protocol: /^https?$/, message: "Invalid URL (expected http://host:port)" }),
      keyEnv: external_exports.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected the name of an environment variable, e.g. TOKENOPS_KEY_T440"),
      /** The accounts this node may hold (patterns); a sync sends it nothing else. Absent: what it holds today. */
      accounts: external_exports.array(ownerPatternSchema).min(1, "list at least one pattern, or leave accounts out").optional()
    })
  ).min(1, "list at least one node"),
  /** Per pattern, the owner and its stand-ins in order; one name is a list of one. */
  owners: external_exports.record(ownerPatternSchema, external_exports.union([nodeNameSchema.transform((name) => [name]), external_exports.array(nodeNameSchema).min(1, "list at least one node")])).default({}),
  renew: external_exports.strictObject({
    /** Off: the gateways refresh on their own, as OpenClaw does without tokenops. */
    auto: external_exports.boolean().default(true),
    /** How much of a token's lifetime may remain when its owner renews it. */
    before: renewBeforeSchema.default({ kind: "fraction", value: 1 / 3 }),
    /** How long the owner may be unreachable before the next in its list renews instead. */
    ownerDownFor: durationSchema.default(15 * 6e4),
    /** How often the leader looks at the fleet for renewals due and owners down. */
    checkEvery: durationSchema.default(6e4),
    /** Lifetimes of tokens tokenops did not issue, per provider, until their first renewal. */
    lifetimes: external_exports.record(external_exports.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected a provider name like "anthropic"'), durationSchema).default({})
  }).prefault({}),
  alerts: external_exports.strictObject({
    checkEvery: scheduleSchema.default(5 * 6e4),
    warnBefore: durationSchema.default(7 * 24 * 36e5),
    criticalBefore: durationSchema.default(2 * 36e5),
    repeatEvery: durationSchema.default(4 * 36e5)
  }).prefault({}),
  sync: external_exports.strictObject({
    /** Automatic sync at all (periodic, refresh-triggered, catch-up); off for maintenance. */
    auto: external_exports.boolean().default(true),
    every: durationSchema.default(6 * 36e5),
    onRefresh: external_exports.boolean().default(true),
    /** A follower's expiring token is replaced from a fresher owner by the alert check. */
    autoFix: external_exports.boolean().default(true)
  }).prefault({})
}).superRefine((fleet, ctx) => {
  const names = /* @__PURE__ */ new Set();
  fleet.nodes.forEach((node, index) => {
    if (names.has(node.name)) ctx.addIssue({ code: "custom", path: ["nodes", index, "name"], message: `duplicate node name "${node.name}"` });
    names.add(node.name);
  });
  for (const [pattern, list] of Object.entries(fleet.owners)) {
    list.forEach((owner, index) => {
      const where = list.length > 1 ? ["owners", pattern, index] : ["owners", pattern];
      if (!names.has(owner)) ctx.addIssue({ code: "custom", path: where, message: `names node "${owner}", which is not in nodes` });
      else if (list.indexOf(owner) !== index) ctx.addIssue({ code: "custom", path: where, message: `names node "${owner}" twice` });
    });
  }
  if (fleet.alerts.criticalBefore >= fleet.alerts.warnBefore) {
    ctx.addIssue({ code: "custom", path: ["alerts", "criticalBefore"], message: "must be shorter than warnBefore" });
  }
});
function loadFleet(file, env) {
  const label = path3.basename(file);
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = error.code;
    return { ok: false, problems: [`${label}: ${code === "ENOENT" ? `not found at ${file} (set TOKENOPS_FLEET)` : `cannot be read (${code})`}`] };
  }
  let json;
  try {
    json = import_json5.default.parse(text);
  } catch (error) {
    const line = error.lineNumber;
    return { ok: false, problems: [`${label}: not valid JSON${line ? ` (line ${line})` : ""}`] };
  }
  const parsed = fleetFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error.issues, label) };
  const problems = [];
  const nodes = parsed.data.nodes.map((node, index) => {
    const where = `${label}: nodes[${index}].keyEnv`;
    const value = env[node.keyEnv];
    if (!value) {
      problems.push(`${where}: ${node.keyEnv} is not set (the key of node "${node.name}")`);
      return { ...node, key: Buffer.alloc(0) };
    }
    try {
      const key = decodeNodeKey(value);
      if (key.length < MIN_KEY_BYTES) problems.push(`${where}: ${node.keyEnv} (the key of node "${node.name}") decodes to ${key.length} bytes; a node key has ${MIN_KEY_BYTES}+`);
      return { ...node, key };
    } catch (error) {
      problems.push(`${where}: ${node.keyEnv} (the key of node "${node.name}") ${error.message}`);
      return { ...node, key: Buffer.alloc(0) };
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { ...parsed.data, nodes, file } };
}

// src/fleet/fleet-client.ts
var import_bottleneck = __toESM(require_lib2(), 1);

// src/protocol/signing.ts
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
var HEADER = {
  timestamp: "x-tokenops-timestamp",
  nonce: "x-tokenops-nonce",
  signature: "x-tokenops-signature"
};
var MAX_SKEW_SECONDS = 300;
function sha256Hex(data) {
  return createHash("sha256").update(data).digest("hex");
}
function requestCanonicalString(request) {
  return [
    "v1",
    request.method.toUpperCase(),
    request.pathAndQuery,
    String(request.timestamp),
    request.nonce,
    sha256Hex(request.body)
  ].join("\n");
}
function hmacHex(key, text) {
  return createHmac("sha256", key).update(text).digest("hex");
}
function signRequest(key, request) {
  return `v1=${hmacHex(key, requestCanonicalString(request))}`;
}
function newNonce() {
  return randomBytes(16).toString("hex");
}
function signedHeaders(key, method, pathAndQuery, body, nowMs = Date.now()) {
  const timestamp = Math.floor(nowMs / 1e3);
  const nonce = newNonce();
  return {
    [HEADER.timestamp]: String(timestamp),
    [HEADER.nonce]: nonce,
    [HEADER.signature]: signRequest(key, { method, pathAndQuery, timestamp, nonce, body })
  };
}
function signaturesMatch(expected, given) {
  const a = Buffer.from(expected);
  const b2 = Buffer.from(given);
  if (a.length !== b2.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b2);
}
var RESPONSE_HEADER = {
  timestamp: "x-tokenops-timestamp",
  signature: "x-tokenops-signature"
};
function responseCanonicalString(requestNonce, status, timestamp, body) {
  return ["v1-response", requestNonce, String(status), String(timestamp), sha256Hex(body)].join("\n");
}
function signResponse(key, requestNonce, status, timestamp, body) {
  return `v1=${hmacHex(key, responseCanonicalString(requestNonce, status, timestamp, body))}`;
}

// src/protocol/refused-signature.ts
function clockSkewSeconds(dateHeader, nowMs) {
  if (!dateHeader) return null;
  const theirs = Date.parse(dateHeader);
  return Number.isFinite(theirs) ? Math.round((theirs - nowMs) / 1e3) : null;
}
function span(seconds) {
  const abs = Math.abs(seconds);
  return abs >= 90 ? `${Math.round(abs / 60)} min` : `${abs} s`;
}
function refusedSignature(dateHeader, nowMs, where = "") {
  const skewSeconds = clockSkewSeconds(dateHeader, nowMs);
  if (skewSeconds !== null && Math.abs(skewSeconds) > MAX_SKEW_SECONDS - 5) {
    return {
      kind: "clock_skew",
      message: `${where}the agent's clock is ${span(skewSeconds)} ${skewSeconds > 0 ? "ahead of" : "behind"} ours, past the ${MAX_SKEW_SECONDS} s signing window: set its clock (NTP)`
    };
  }
  return { kind: "unauthorized", message: `${where}the agent refused our signature: its TOKENOPS_AGENT_KEY is not the key we sign with` };
}

// src/fleet/agent-client.ts
var AgentCallError = class extends Error {
  constructor(kind, message, status, code, details) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.details = details;
  }
  kind;
  status;
  code;
  details;
  name = "AgentCallError";
};
var MAX_ANSWER_BYTES = 4 * 1024 * 1024;
var VIOLATION_HOLD_MS = 5 * 6e4;
function size(bytes) {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
function clock(ms2) {
  return `${new Date(ms2).toISOString().slice(11, 19)} UTC`;
}
var ProtocolViolations = class {
  marks = /* @__PURE__ */ new Map();
  /** Marks the node and returns the error for the call or stream that saw it. */
  mark(baseUrl, reason, nowMs = Date.now()) {
    const mark = { reason, at: nowMs, until: nowMs + VIOLATION_HOLD_MS };
    this.marks.set(normalizeUrl(baseUrl), mark);
    return violationError(mark);
  }
  /** The error for a node still held, or undefined. */
  check(baseUrl, nowMs = Date.now()) {
    const mark = this.marks.get(normalizeUrl(baseUrl));
    if (!mark) return void 0;
    if (mark.until > nowMs) return violationError(mark);
    this.marks.delete(normalizeUrl(baseUrl));
    return void 0;
  }
  /** Lifts every hold at once (tests that break limits on purpose, one after another). */
  clear() {
    this.marks.clear();
  }
};
function violationError(mark) {
  return new AgentCallError("bad_response", `${mark.reason} (at ${clock(mark.at)}); not asked again before ${clock(mark.until)}`, void 0, "protocol_violation");
}
function normalizeUrl(baseUrl) {
  return baseUrl.replace(/\/+$/, "");
}
var protocolViolations = new ProtocolViolations();
async function readCapped(response, limit) {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > limit) {
    void response.body?.cancel().catch(() => void 0);
    return "too_large";
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  for (; ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      void reader.cancel().catch(() => void 0);
      return "too_large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}
var AgentClient = class {
  baseUrl;
  key;
  timeoutMs;
  constructor(options3) {
    this.baseUrl = options3.baseUrl.replace(/\/+$/, "");
    this.key = options3.key;
    this.timeoutMs = options3.timeoutMs ?? 3e3;
  }
  /** Raw call: answers any status the agent signed; throws only for transport and trust failures. */
  async call(method, pathAndQuery, body, timeoutMs = this.timeoutMs) {
    const held = protocolViolations.check(this.baseUrl);
    if (held) throw held;
    const payload = body === void 0 ? "" : JSON.stringify(body);
    const headers = signedHeaders(this.key, method, pathAndQuery, payload);
    const nonce = headers[HEADER.nonce] ?? "";
    let response;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        method,
        headers: { ...headers, ...payload ? { "content-type": "application/json" } : {} },
        body: payload || void 0,
        signal: AbortSignal.timeout(timeoutMs)
      });
    } catch (error) {
      if (error.name === "TimeoutError") throw new AgentCallError("timeout", `no answer within ${timeoutMs} ms`);
      const code = error.cause?.code;
      throw new AgentCallError("unreachable", `cannot connect${code ? ` (${code})` : ""}`);
    }
    let raw;
    try {
      raw = await readCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (error.name === "TimeoutError") throw new AgentCallError("timeout", `answer not complete within ${timeoutMs} ms`);
      throw new AgentCallError("unreachable", "connection lost while reading the answer");
    }
    if (raw === "too_large") throw protocolViolations.mark(this.baseUrl, `sent an answer over ${size(MAX_ANSWER_BYTES)}`);
    if (response.status === 401) {
      const refused = refusedSignature(response.headers.get("date"), Date.now());
      throw new AgentCallError(refused.kind, refused.message, 401, "unauthorized");
    }
    const timestamp = response.headers.get(RESPONSE_HEADER.timestamp);
    const signature = response.headers.get(RESPONSE_HEADER.signature);
    if (!timestamp || !signature || !signaturesMatch(signResponse(this.key, nonce, response.status, Number(timestamp), raw), signature)) {
      throw new AgentCallError("bad_response", `answer (HTTP ${response.status}) is not signed by the agent's key`, response.status);
    }
    let json;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new AgentCallError("bad_response", "answer is not JSON", response.status);
    }
    return { status: response.status, body: json };
  }
  /** A call whose answer must be 2xx; an error body becomes an AgentCallError with its code. */
  async request(method, pathAndQuery, body, timeoutMs) {
    const result2 = await this.call(method, pathAndQuery, body, timeoutMs);
    if (result2.status >= 200 && result2.status < 300) return result2.body;
    const error = result2.body.error;
    throw new AgentCallError("http_error", error?.message ?? `HTTP ${result2.status}`, result2.status, error?.code, error?.details);
  }
};

// src/fleet/fleet-client.ts
var UnknownNodeError = class extends Error {
  constructor(node, known) {
    super(`unknown node "${node}"; the fleet has ${known.join(", ")}`);
    this.node = node;
    this.known = known;
  }
  node;
  known;
  name = "UnknownNodeError";
};
var SharedLimiterError = class extends AgentCallError {
  constructor(message) {
    super("unreachable", message, void 0, "limiter_unavailable");
  }
};
var SHARED_LIMITER_ID = "tokenops-fanout";
var EXPIRATION_MARGIN_MS = 2e3;
var FleetClient = class {
  constructor(fleet, options3) {
    this.fleet = fleet;
    this.options = options3;
    for (const node of fleet.nodes) this.clients.set(node.name, new AgentClient({ baseUrl: node.url, key: node.key, timeoutMs: options3.timeoutMs }));
    if (!options3.sharedLimit) {
      this.limiter = new import_bottleneck.default({ maxConcurrent: options3.concurrency });
      return;
    }
    const target = redisTarget(options3.sharedLimit.redisUrl);
    const { Redis } = ioredis();
    const redis = new Redis(target.url, { maxRetriesPerRequest: 1, connectionName: "tokenops-fanout" });
    const shared = { redis, connection: void 0, target, lastError: "" };
    redis.on("error", (error) => {
      shared.lastError = target.scrub(error.message);
    });
    shared.connection = new import_bottleneck.default.IORedisConnection({ client: redis, Redis });
    shared.connection.on("error", (error) => {
      shared.lastError = target.scrub(error.message);
    });
    this.shared = shared;
    const settings = {
      datastore: "ioredis",
      connection: shared.connection,
      id: options3.sharedLimit.id ?? SHARED_LIMITER_ID,
      // Another replica's running jobs are in there: never wipe them at start.
      clearDatastore: false,
      maxConcurrent: options3.concurrency,
      // How often a replica looks at the shared state (bottleneck's default 5 s): it is also
      // when a dead replica's expired jobs are noticed and the waiting calls woken.
      heartbeatInterval: 1e3
    };
    this.limiter = new import_bottleneck.default(settings);
    this.limiter.on("error", (error) => {
      shared.lastError = target.scrub(error.message);
    });
    void Promise.resolve(this.limiter.updateSettings({ maxConcurrent: options3.concurrency })).catch(() => void 0);
  }
  fleet;
  options;
  clients = /* @__PURE__ */ new Map();
  callListeners = [];
  limiter;
  shared;
  get nodeNames() {
    return this.fleet.nodes.map((node) => node.name);
  }
  node(name) {
    const node = this.fleet.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new UnknownNodeError(name, this.nodeNames);
    return node;
  }
  client(name) {
    this.node(name);
    return this.clients.get(name);
  }
  /** One call to one node, its answer checked against `schema`. Throws AgentCallError. */
  async call(name, method, route, schema, body, timeoutMs) {
    const client = this.client(name);
    let ms2 = 0;
    const request = async () => {
      const started = performance.now();
      try {
        return await client.request(method, route, body, timeoutMs);
      } finally {
        ms2 = Math.round(performance.now() - started);
      }
    };
    try {
      const held = protocolViolations.check(client.baseUrl);
      if (held) throw held;
      const value = this.shared ? await this.scheduleShared(name, request, timeoutMs ?? this.options.timeoutMs) : await this.limiter.schedule(request);
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new AgentCallError("bad_response", `answer from ${name} does not match the API (${parsed.error.issues[0]?.path.join(".") ?? "body"})`);
      this.report({ method, route, result: { node: name, ok: true, value: parsed.data, ms: ms2 } });
      return parsed.data;
    } catch (error) {
      this.report({ method, route, result: { node: name, ok: false, error: describeError(error), ms: ms2 } });
      throw error;
    }
  }
  /** Every call's end from now on (the bot's metrics: node reachability and check latency come from the checks it makes anyway). */
  onCall(listener) {
    this.callListeners.push(listener);
  }
  report(call) {
    for (const listener of this.callListeners) {
      try {
        listener(call);
      } catch {
      }
    }
  }
  /** The same call to each named node (all by default), in parallel, each answer or error. */
  async fanOut(method, route, schema, options3 = {}) {
    const names = options3.nodes ?? this.nodeNames;
    for (const name of names) this.node(name);
    return Promise.all(
      names.map(async (name) => {
        const started = Date.now();
        try {
          const value = await this.call(name, method, route, schema, options3.body);
          return { node: name, ok: true, value, ms: Date.now() - started };
        } catch (error) {
          return { node: name, ok: false, error: describeError(error), ms: Date.now() - started };
        }
      })
    );
  }
  /**
   * A call under the replicas' shared limit. Each job carries an expiration (its own timeout
   * plus a margin), so the slot of a replica killed mid-call is freed in Redis rather than held
   * forever. A limiter failure (Redis down) is a SharedLimiterError, not the agent's fault.
   */
  async scheduleShared(node, task, timeoutMs) {
    const shared = this.shared;
    if (shared.redis.status !== "ready") {
      let timer;
      const ready = await Promise.race([
        this.limiter.ready().then(
          () => shared.redis.status === "ready",
          () => false
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        })
      ]).finally(() => clearTimeout(timer));
      if (!ready) throw this.limiterError(node);
    }
    let taskFailure;
    try {
      return await this.limiter.schedule({ expiration: timeoutMs + EXPIRATION_MARGIN_MS }, async () => {
        try {
          return await task();
        } catch (error) {
          taskFailure = { error };
          throw error;
        }
      });
    } catch (error) {
      if (taskFailure) throw taskFailure.error;
      if (error instanceof import_bottleneck.default.BottleneckError && /timed out/.test(error.message)) throw new AgentCallError("timeout", `no answer within ${timeoutMs + EXPIRATION_MARGIN_MS} ms`);
      shared.lastError ||= shared.target.scrub(error?.message ?? String(error));
      throw this.limiterError(node);
    }
  }
  limiterError(node) {
    const { target, lastError } = this.shared;
    return new SharedLimiterError(`${node} was not asked: the replicas' shared fan-out limit (Redis at ${target.display}) is unavailable${lastError ? ` (${lastError})` : ""}; check that redis-server runs there and TOKENOPS_STATE points at it`);
  }
  async close() {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => void 0);
    if (this.shared) {
      await this.shared.connection.disconnect(true).catch(() => void 0);
      this.shared.redis.disconnect();
    }
  }
};
function describeError(error) {
  if (error instanceof AgentCallError) {
    return { kind: error.kind, message: error.message, ...error.status ? { status: error.status } : {}, ...error.code ? { code: error.code } : {} };
  }
  return { kind: "bad_response", message: error?.message ?? "unknown error" };
}

// src/fleet/node-locks.ts
import { randomUUID } from "node:crypto";

// src/fleet/operation-refused.ts
var OperationRefusedError = class extends Error {
  constructor(message, refusal) {
    super(message);
    this.refusal = refusal;
  }
  refusal;
  name = "OperationRefusedError";
};

// src/fleet/node-locks.ts
var DEFAULT_LOCK_TTL_MS = 15e3;
var NodeLocks = class {
  constructor(store = new MemoryNodeLockStore(), options3 = {}) {
    this.store = store;
    this.options = options3;
    this.owner = options3.owner ?? randomUUID();
    this.ttlMs = store.shared ? options3.ttlMs ?? DEFAULT_LOCK_TTL_MS : Number.POSITIVE_INFINITY;
    this.pollMs = options3.pollMs ?? 250;
  }
  store;
  options;
  owner;
  ttlMs;
  pollMs;
  waiting = /* @__PURE__ */ new Map();
  async holder(node) {
    const record = await this.store.holder(node);
    return record ? { operation: record.operation, by: record.by, since: new Date(record.sinceMs) } : void 0;
  }
  async tryAcquire(node, operation, by) {
    const record = { token: randomUUID(), operation, by, sinceMs: Date.now(), owner: this.owner };
    const holder = await this.store.take(node, record, this.ttlMs);
    if (holder) throw busy(node, holder);
    return this.held(node, record.token);
  }
  /** Every node or none: a refusal on one releases those already taken. */
  async tryAcquireAll(nodes, operation, by) {
    const releases = [];
    try {
      for (const node of nodes) releases.push(await this.tryAcquire(node, operation, by));
    } catch (error) {
      for (const release of releases) await release();
      throw error;
    }
    return async () => {
      for (const release of releases) await release();
    };
  }
  async acquire(node, operation, by, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (; ; ) {
      const remaining = deadline - Date.now();
      try {
        return await this.tryAcquire(node, operation, by);
      } catch (error) {
        if (!(error instanceof OperationRefusedError) || remaining <= 0) throw error;
      }
      await this.wait(node, this.store.shared ? Math.min(remaining, this.pollMs) : remaining);
    }
  }
  /** Until a release here wakes this waiter (in arrival order), or `ms` pass. */
  wait(node, ms2) {
    return new Promise((resolve) => {
      const queue = this.waiting.get(node) ?? [];
      this.waiting.set(node, queue);
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(wake), 1);
        resolve();
      }, ms2);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      queue.push(wake);
    });
  }
  /** The release of a lock just taken; a shared one is renewed until then. */
  held(node, token) {
    let renewal;
    if (Number.isFinite(this.ttlMs)) {
      renewal = setInterval(() => {
        this.store.renew(node, token, this.ttlMs).then(
          (ok) => {
            if (!ok) this.options.onLost?.(node, "the lock was no longer ours at renewal");
          },
          (error) => this.options.onLost?.(node, `renewal failed: ${error.message}`)
        );
      }, Math.max(50, Math.floor(this.ttlMs / 3)));
      renewal.unref();
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (renewal) clearInterval(renewal);
      await this.store.release(node, token).catch(() => void 0);
      this.waiting.get(node)?.shift()?.();
    };
  }
};
function busy(node, holder) {
  return new OperationRefusedError(`${node} is busy: ${holder.operation} by ${holder.by}, started <t:${Math.floor(holder.sinceMs / 1e3)}:R>. Try again when it is done.`);
}

// src/state/audit-log.ts
import { randomBytes as randomBytes2 } from "node:crypto";

// src/domain/scrub-secrets.ts
var SECRET_LIKE = /(?:sk-[A-Za-z0-9_-]{8,}|[A-Za-z0-9+_-]{32,}={0,2})/g;
function scrub(text) {
  return text.replace(SECRET_LIKE, "[redacted]");
}

// src/state/audit-log.ts
var DETAIL_MAX = 1e3;
var AUDIT_OUTCOMES = ["ok", "failed", "refused", "planned", "confirmed", "cancelled", "expired", "partial", "interrupted"];
var auditRecordSchema = external_exports.object({
  id: external_exports.string(),
  at: external_exports.iso.datetime(),
  actor: external_exports.object({ via: external_exports.enum(["discord", "cli", "scheduler"]), id: external_exports.string(), name: external_exports.string() }),
  action: external_exports.string(),
  target: external_exports.string().optional(),
  outcome: external_exports.enum(AUDIT_OUTCOMES),
  detail: external_exports.string().max(DETAIL_MAX).optional()
});
var KEEP = 5e3;
var PRUNE_EVERY = 100;
var ID_TIME_DIGITS = 15;
var ID_TIME = /^\d{15}-/;
function idTime(atMs) {
  return String(atMs).padStart(ID_TIME_DIGITS, "0");
}
var AuditLog = class {
  constructor(store, now = Date.now) {
    this.store = store;
    this.now = now;
  }
  store;
  now;
  writes = 0;
  sequence = 0;
  listeners = [];
  async record(entry) {
    const atMs = this.now();
    const id = `${idTime(atMs)}-${String(this.sequence++ % 1e9).padStart(9, "0")}-${randomBytes2(4).toString("hex")}`;
    const scrubbed = entry.detail === void 0 ? void 0 : scrub(entry.detail);
    const detail = scrubbed !== void 0 && scrubbed.length > DETAIL_MAX ? `${scrubbed.slice(0, DETAIL_MAX - 1)}\u2026` : scrubbed;
    const record = auditRecordSchema.parse({ ...entry, ...detail === void 0 ? {} : { detail }, id, at: new Date(atMs).toISOString() });
    await this.store.set(id, record);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
      }
    }
    if (++this.writes % PRUNE_EVERY === 0) await this.prune();
    return record;
  }
  /** Every record this process writes from now on, once stored (metrics count actions here: every action passes through). */
  onRecord(listener) {
    this.listeners.push(listener);
  }
  /** The newest records first. */
  async latest(limit) {
    const all = await this.all();
    return all.slice(-limit).reverse();
  }
  /** Records from `atMs` on, oldest first (the expiry timeline's markers look back a window). */
  async since(atMs) {
    const from = idTime(Math.max(0, Math.floor(atMs)));
    const records = await this.all((key) => {
      const id = key.slice(key.lastIndexOf(":") + 1);
      return !ID_TIME.test(id) || id.slice(0, ID_TIME_DIGITS) >= from;
    });
    return records.filter((record) => Date.parse(record.at) >= atMs);
  }
  /** The records whose key `wanted` keeps (every one without it), oldest first. */
  async all(wanted) {
    if (!this.store.iterator) throw new Error("the state store cannot list keys");
    const records = [];
    for await (const [key, value] of this.store.iterator(void 0)) {
      if (wanted && typeof key === "string" && !wanted(key)) continue;
      const parsed = auditRecordSchema.safeParse(value);
      if (parsed.success) records.push(parsed.data);
    }
    return records.sort((a, b2) => a.id.localeCompare(b2.id));
  }
  async prune() {
    const all = await this.all();
    for (const record of all.slice(0, Math.max(0, all.length - KEEP))) await this.store.delete(record.id);
  }
};

// src/state/operation-journal.ts
import { randomUUID as randomUUID2 } from "node:crypto";
var journalEntrySchema = external_exports.object({
  id: external_exports.string(),
  owner: external_exports.string(),
  action: external_exports.string(),
  target: external_exports.string(),
  /** The nodes it changes, to say where they are now. */
  nodes: external_exports.array(external_exports.string()),
  actor: auditRecordSchema.shape.actor,
  startedAt: external_exports.iso.datetime(),
  /** The message that shows this operation, to mark it interrupted. */
  message: external_exports.object({ channelId: external_exports.string(), messageId: external_exports.string() }).optional(),
  /** It stopped on an error while its process lives on: reported as interrupted at once, not after the heartbeat lapses. */
  abandoned: external_exports.object({ at: external_exports.iso.datetime(), error: external_exports.string() }).optional()
});
var HEARTBEAT_KEY = (owner) => `alive:${owner}`;
var ENTRY_PREFIX = "op:";
var OperationJournal = class {
  constructor(store, options3 = { heartbeatMs: 1e4 }) {
    this.store = store;
    this.options = options3;
    this.owner = options3.owner ?? randomUUID2();
  }
  store;
  options;
  /** This process (the same id its leader lease uses, when it has one). */
  owner;
  heartbeat;
  beatFailing = false;
  /** Keeps this process's entries its own; a lapsed heartbeat (3 beats missed) makes them leftovers. */
  async start() {
    const beat = () => this.store.set(HEARTBEAT_KEY(this.owner), true, this.options.heartbeatMs * 3);
    await beat();
    this.heartbeat = setInterval(
      () => void beat().then(
        () => this.beatFailing = false,
        (error) => {
          if (!this.beatFailing) this.options.onError?.(`operation journal heartbeat failed: ${error.message}`);
          this.beatFailing = true;
        }
      ),
      this.options.heartbeatMs
    );
    this.heartbeat.unref();
  }
  /**
   * Stops beating; the heartbeat is left to lapse rather than deleted. A command may still be
   * running in the last seconds before the process exits, and deleting the beat would have
   * another replica report it interrupted while it finishes.
   */
  async stop() {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
  async begin(entry) {
    const id = randomUUID2();
    const now = this.options.now?.() ?? Date.now();
    await this.store.set(`${ENTRY_PREFIX}${id}`, journalEntrySchema.parse({ ...entry, id, owner: this.owner, startedAt: new Date(now).toISOString() }));
    return id;
  }
  async end(id) {
    await this.store.delete(`${ENTRY_PREFIX}${id}`);
  }
  async entries() {
    if (!this.store.iterator) return [];
    const entries = [];
    for await (const [key, value] of this.store.iterator(void 0)) {
      if (typeof key !== "string" || !key.startsWith(ENTRY_PREFIX)) continue;
      const parsed = journalEntrySchema.safeParse(value);
      if (parsed.success) entries.push(parsed.data);
    }
    return entries;
  }
  /** Entries nobody will finish: their process is gone (not this one, its heartbeat lapsed), or they stopped on an error. */
  async leftovers() {
    const gone = [];
    for (const entry of await this.entries()) {
      if (entry.abandoned || !await this.isAlive(entry.owner)) gone.push(entry);
    }
    return gone;
  }
  /** Entries still running: their process beats (this one's, or another replica's), and they did not stop on an error. */
  async running() {
    const live = [];
    for (const entry of await this.entries()) {
      if (!entry.abandoned && await this.isAlive(entry.owner)) live.push(entry);
    }
    return live;
  }
  /** Marks an entry as stopped on an error: it stays, so that it is reported as interrupted with where its nodes are. */
  async abandon(id, error) {
    const entry = journalEntrySchema.safeParse(await this.store.get(`${ENTRY_PREFIX}${id}`));
    if (!entry.success) return;
    const now = this.options.now?.() ?? Date.now();
    await this.store.set(`${ENTRY_PREFIX}${id}`, { ...entry.data, abandoned: { at: new Date(now).toISOString(), error: scrub(error) } });
  }
  /** Whether a process still beats (this one always does); anything it left is its own until it stops. */
  async isAlive(owner) {
    return owner === this.owner || await this.store.get(HEARTBEAT_KEY(owner)) !== void 0;
  }
  /**
   * Runs `work` as a journalled operation: written down before, struck off when it ends.
   * With `abandonOnError`, one that throws is left marked abandoned instead, so that whoever
   * reports leftovers says it was interrupted and where its nodes are (it is never run
   * again): for work whose throw can come after it changed something (a rolling restart),
   * not for work that only throws before it writes (a sync's refusal).
   */
  async around(entry, work, options3 = {}) {
    const id = await this.begin(entry);
    try {
      const result2 = await work();
      await this.end(id).catch(() => void 0);
      return result2;
    } catch (error) {
      if (options3.abandonOnError) await this.abandon(id, error?.message ?? String(error)).catch(() => this.end(id).catch(() => void 0));
      else await this.end(id).catch(() => void 0);
      throw error;
    }
  }
};

// src/cli/cli-actor.ts
import os2 from "node:os";
function cliActor(env) {
  let user;
  try {
    user = os2.userInfo().username;
  } catch {
    user = env.USER || env.LOGNAME || `uid-${process.getuid?.() ?? "unknown"}`;
  }
  return { via: "cli", id: `${user}@${os2.hostname()}`, name: `cli:${user}` };
}

// src/config/bot-env.ts
import path4 from "node:path";
var required = (what) => ({ error: (issue) => issue.input === void 0 ? `is required (${what})` : "expected a string" });
var snowflake = (what) => external_exports.string(required(what)).trim().regex(/^\d{17,20}$/, `expected a Discord id (17\u201320 digits): ${what}`);
var stateUrlSchema = external_exports.string().trim().refine((url) => /^sqlite:\/\/.+/.test(url) || /^rediss?:\/\/.+/.test(url), "expected sqlite://<path> or redis://host:port");
var botEnvSchema = external_exports.object({
  DISCORD_TOKEN: external_exports.string(required("the bot token from the Discord developer portal")).trim().min(1),
  DISCORD_CLIENT_ID: snowflake("the application id"),
  DISCORD_GUILD_ID: snowflake("the ops server, where commands are registered"),
  OPS_CHANNEL_ID: snowflake("the channel alerts and reports go to"),
  OPS_ROLE_ID: snowflake("the role allowed to change anything"),
  DISCORD_API_BASE: external_exports.url({ protocol: /^https?$/, message: "expected an http(s) URL such as https://discord.com/api" }).default("https://discord.com/api"),
  TOKENOPS_FLEET: external_exports.string().trim().min(1).default("./fleet.json").transform((file) => path4.resolve(file)),
  TOKENOPS_STATE: stateUrlSchema.default("sqlite://./data/tokenops.sqlite"),
  // A plan is an interaction's reply, and Discord lets the bot edit it through the interaction
  // for 15 minutes: the ✅ window must close well inside that, with time left to run.
  CONFIRM_TIMEOUT: durationSchema.pipe(external_exports.number().min(1e3, "expected at least 1s").max(14 * 6e4, "expected at most 14m: Discord's interaction reply can be edited for 15 minutes after the command")).default(6e4),
  // Extensions.
  /** How long one node may take to answer before it counts as `timeout`. */
  TOKENOPS_NODE_TIMEOUT: durationSchema.default(3e3),
  /** How many nodes are asked at once. */
  TOKENOPS_FANOUT: external_exports.coerce.number().int().min(1).max(256).default(16),
  /**
   * Several replicas on Redis: how long the leader's lease lasts (renewed every third of it).
   * A dead leader is replaced within it; a shorter one fails over sooner but leaves less slack
   * for a slow Redis.
   */
  TOKENOPS_LEADER_LEASE: durationSchema.pipe(external_exports.number().min(1e3, "expected at least 1s").max(6e5, "expected at most 10m")).default(1e4),
  // How often this process says it is alive; one silent for 3 beats has its running restarts and syncs reported interrupted.
  TOKENOPS_HEARTBEAT: durationSchema.pipe(external_exports.number().min(100, "expected at least 100ms").max(3e5, "expected at most 5m")).default(1e4),
  TOKENOPS_LOG_LEVEL: external_exports.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** A metrics server (Prometheus text) for the fleet; the bot has no other HTTP listener. */
  TOKENOPS_METRICS: metricsSwitchSchema,
  /** Where that server listens: loopback unless said otherwise, as for the agent. */
  TOKENOPS_METRICS_LISTEN: listenAddressSchema.default({ host: "127.0.0.1", port: 9464 })
});

// src/cli/cli-env.ts
var cliEnvSchema = botEnvSchema.pick({
  TOKENOPS_FLEET: true,
  TOKENOPS_STATE: true,
  CONFIRM_TIMEOUT: true,
  TOKENOPS_NODE_TIMEOUT: true,
  TOKENOPS_FANOUT: true,
  TOKENOPS_HEARTBEAT: true
});
function loadCliEnv(env) {
  const parsed = cliEnvSchema.safeParse(presentOnly(env));
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues) };
}

// src/cli/cli-errors.ts
var UsageError = class extends Error {
  name = "UsageError";
};
var ConfigError = class extends Error {
  constructor(problems) {
    super(problems.join("; "));
    this.problems = problems;
  }
  problems;
  name = "ConfigError";
};

// src/cli/cli-context.ts
var CliContext = class {
  constructor(io, json) {
    this.io = io;
    this.json = json;
    this.actor = cliActor(io.env);
  }
  io;
  json;
  actor;
  settings;
  client;
  state;
  log;
  journal;
  locks;
  get env() {
    if (!this.settings) {
      const loaded = loadCliEnv(this.io.env);
      if (!loaded.ok) throw new ConfigError(loaded.problems);
      this.settings = loaded.value;
    }
    return this.settings;
  }
  fleetClient() {
    if (!this.client) {
      const fleet = loadFleet(this.env.TOKENOPS_FLEET, this.io.env);
      if (!fleet.ok) throw new ConfigError(fleet.problems);
      this.client = new FleetClient(fleet.value, { timeoutMs: this.env.TOKENOPS_NODE_TIMEOUT, concurrency: this.env.TOKENOPS_FANOUT });
    }
    return this.client;
  }
  /**
   * The bot's audit log (TOKENOPS_STATE): what the CLI does is recorded beside what the bot
   * does. Loaded on first use: the Redis client alone costs a second at start.
   */
  async audit() {
    if (!this.log) {
      const { openStateStore } = await import("./state-store-L2HZ5IVL.js");
      try {
        this.state = await openStateStore(this.env.TOKENOPS_STATE);
        this.log = new AuditLog(this.state.namespace("audit"));
      } catch (error) {
        throw new ConfigError([`TOKENOPS_STATE: the audit log cannot be opened (${error.message})`]);
      }
    }
    return this.log;
  }
  /**
   * What the bot's renewal remembers, to show when each account renews and by whom; none
   * when the state cannot be opened (the schedule is then worked out from the fleet alone).
   */
  async renewalMemory() {
    const url = this.env.TOKENOPS_STATE;
    if (url.startsWith("sqlite://") && !existsSync2(url.slice("sqlite://".length))) return void 0;
    try {
      await this.audit();
    } catch {
      return void 0;
    }
    const { RenewalStore } = await import("./renewal-store-HR6CP3CQ.js");
    return this.state ? new RenewalStore(this.state.namespace("renewal")) : void 0;
  }
  /** Where the audit log lives, for messages (a Redis password is left out). */
  get auditLocation() {
    const url = this.env.TOKENOPS_STATE;
    return this.state?.location ?? (isRedisUrl(url) ? redisTarget(url).display : url);
  }
  /**
   * For a mutation: the audit log is opened first, so nothing changes that could not be
   * recorded; restarts and syncs are written in the bot's operation journal while they run,
   * so that a CLI killed halfway is reported by the bot, as a bot killed halfway is.
   */
  async operations() {
    const audit = await this.audit();
    if (!this.journal && this.state) {
      this.journal = new OperationJournal(this.state.namespace("journal"), { heartbeatMs: this.env.TOKENOPS_HEARTBEAT });
      await this.journal.start();
    }
    this.locks ??= new NodeLocks(this.state ? this.state.nodeLocks() : void 0, { owner: this.journal?.owner ?? `cli:${this.actor.name}` });
    return { fleetClient: this.fleetClient(), locks: this.locks, audit, ...this.journal ? { journal: this.journal } : {} };
  }
  nowMs() {
    return Date.now();
  }
  /** A line of progress for a long operation: stderr, never in the --json document. */
  progress(line) {
    this.io.stderr.write(`${line}
`);
  }
  /** Text a person must read before answering (a plan before its confirmation): stdout, or stderr under --json. */
  show(text) {
    (this.json ? this.io.stderr : this.io.stdout).write(text.endsWith("\n") ? text : `${text}
`);
  }
  async close() {
    await this.client?.close().catch(() => void 0);
    await this.journal?.stop().catch(() => void 0);
    await this.state?.close().catch(() => void 0);
  }
};

// src/cli/parse-arguments.ts
import { parseArgs } from "node:util";
var GLOBAL_OPTIONS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" }
};
function parseArguments(argv, spec) {
  const options3 = { ...GLOBAL_OPTIONS, ...spec.options };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: options3, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(explain(argv, options3) ?? error.message);
  }
  const required2 = spec.required ?? [];
  const optional = spec.optional ?? [];
  const { positionals } = parsed;
  if (positionals.length < required2.length) {
    const missing = required2.slice(positionals.length);
    throw new UsageError(`missing ${missing.map((name) => `<${name}>`).join(" and ")}`);
  }
  if (positionals.length > required2.length + optional.length) {
    throw new UsageError(`unexpected argument "${positionals[required2.length + optional.length]}"`);
  }
  return { values: parsed.values, positionals };
}
function explain(argv, options3) {
  const { tokens } = parseArgs({ args: [...argv], options: options3, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const known = options3[token.name];
    if (!known) return `unknown option ${token.rawName}`;
    if (known.type === "boolean" && token.value !== void 0) return `${token.rawName} takes no value`;
    if (known.type === "string" && (token.value === void 0 || !token.inlineValue && token.value.startsWith("-"))) return `${token.rawName} needs a value`;
  }
  return null;
}
function wholeNumber(name, text, min, max) {
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} expects a whole number from ${min} to ${max}`);
  return value;
}

// src/cli/render/when.ts
function utcMinute(ms2) {
  return `${new Date(ms2).toISOString().slice(0, 16).replace("T", " ")}Z`;
}
function when(iso, nowMs) {
  const at = Date.parse(iso);
  const delta = at - nowMs;
  const relative = Math.abs(delta) < 1e3 ? "now" : delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
  return `${relative} (${utcMinute(at)})`;
}
function expiry(iso, nowMs) {
  if (!iso) return "no expiry";
  return `${Date.parse(iso) <= nowMs ? "expired" : "expires"} ${when(iso, nowMs)}`;
}

// src/cli/render/plain-message.ts
var DISCORD_TIMESTAMP = /<t:(\d{1,12})(?::([tTdDfFR]))?>/g;
function plainMessage(text, nowMs) {
  return scrub(text).replace(DISCORD_TIMESTAMP, (_2, seconds, style) => {
    const ms2 = Number(seconds) * 1e3;
    return style === "R" ? when(new Date(ms2).toISOString(), nowMs) : utcMinute(ms2);
  }).replaceAll("**", "");
}

// src/cli/render/audit-text.ts
function renderAuditText(records, location, nowMs) {
  if (records.length === 0) return `Audit log (${location}): nothing recorded yet.`;
  const outcomeWidth = Math.max(...records.map((record) => record.outcome.length));
  const lines = records.map((record) => {
    const target = record.target ? ` ${record.target}` : "";
    const detail = record.detail ? ` \u2014 ${plainMessage(record.detail, nowMs)}` : "";
    return `${record.at.slice(0, 19).replace("T", " ")}Z  ${record.outcome.padEnd(outcomeWidth)}  ${record.action}${target} \xB7 ${record.actor.name} (${record.actor.via})${detail}`;
  });
  return [`Audit log (${location}) \xB7 latest ${records.length}, newest first`, ...lines].join("\n");
}

// src/cli/commands/audit.ts
var auditCommand = {
  name: "audit",
  summary: "the latest audited actions, the bot's and the CLI's",
  help: `usage: tokenops audit [--limit <n>] [--json]

The audit log the bot keeps (TOKENOPS_STATE), newest first: who (a Discord member, cli:<user>
or a scheduled job), what, when, the outcome. Needs no fleet file and asks no agent.

  --limit <n>  how many records (default 20, at most 1000)

exit 0  shown
exit 2  bad option, or the state store cannot be opened`,
  async run(argv, context) {
    const { values } = parseArguments(argv, { options: { limit: { type: "string" } } });
    const limit = values.limit === void 0 ? 20 : wholeNumber("limit", values.limit, 1, 1e3);
    const records = await (await context.audit()).latest(limit);
    const location = context.auditLocation;
    const json = { ok: true, command: "audit", location, records };
    return { json, text: renderAuditText(records, location, context.nowMs()) };
  }
};

// src/domain/token-health.ts
var HEALTH_VALUES = ["ok", "expiring", "expired", "invalid"];
function classifyExpiry(expiresAtMs, nowMs, warnBeforeMs) {
  if (expiresAtMs === null) return "ok";
  if (expiresAtMs <= nowMs) return "expired";
  if (expiresAtMs - nowMs <= warnBeforeMs) return "expiring";
  return "ok";
}

// src/domain/expiry-horizon.ts
var DAY_MS = 864e5;
var EXPIRY_HORIZON_DAYS = 400;
var EXPIRY_HORIZON_MS = EXPIRY_HORIZON_DAYS * DAY_MS;
var MAX_DATE_MS = 864e13;
function calendarDay(ms2) {
  const date = new Date(ms2);
  const pad = (n2) => String(n2).padStart(2, "0");
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}
function expiryProblem(expiresMs, nowMs) {
  if (!Number.isInteger(expiresMs) || expiresMs < 0 || expiresMs > MAX_DATE_MS) return `expires ${String(expiresMs)}: not a plausible expiry (epoch milliseconds expected)`;
  if (expiresMs - nowMs <= EXPIRY_HORIZON_MS) return null;
  return `expires ${calendarDay(expiresMs)}: not a plausible expiry (more than ${EXPIRY_HORIZON_DAYS} days ahead; epoch milliseconds expected)`;
}
var isoTime = external_exports.iso.datetime();
function expiresAtProblem(expiresAt, nowMs) {
  const ms2 = Date.parse(expiresAt);
  if (Number.isNaN(ms2) || !/^[+-]?\d{4,6}-/.test(expiresAt)) return "expiresAt is not an ISO time: not a plausible expiry";
  const problem = expiryProblem(ms2, nowMs);
  if (problem) return problem;
  return isoTime.safeParse(expiresAt).success ? null : "expiresAt is not an ISO time: not a plausible expiry";
}

// src/protocol/sealing.ts
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes as randomBytes3 } from "node:crypto";
var sealedEnvelopeSchema = external_exports.object({
  v: external_exports.literal(1),
  alg: external_exports.literal("A256GCM"),
  iv: external_exports.base64().refine((text) => Buffer.from(text, "base64").length === 12, "must be 12 bytes"),
  ciphertext: external_exports.base64(),
  tag: external_exports.base64().refine((text) => Buffer.from(text, "base64").length === 16, "must be 16 bytes")
});
var HKDF_INFO = "tokenops/v1/seal";
function sealingKey(nodeKey) {
  return Buffer.from(hkdfSync("sha256", nodeKey, Buffer.alloc(0), HKDF_INFO, 32));
}
function seal(nodeKey, purpose, payload) {
  const iv = randomBytes3(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(nodeKey), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
  return {
    v: 1,
    alg: "A256GCM",
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64")
  };
}
var UnsealError = class extends Error {
  name = "UnsealError";
};
function unseal(nodeKey, purpose, envelope) {
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(nodeKey), Buffer.from(envelope.iv, "base64"), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(envelope.tag, "base64"));
    const plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, "base64")), decipher.final()]);
    return JSON.parse(plain.toString("utf8"));
  } catch {
    throw new UnsealError("sealed body could not be opened (wrong key, wrong purpose or tampered)");
  }
}

// src/protocol/agent-api.ts
var isoTime2 = external_exports.iso.datetime();
var errorBodySchema = external_exports.object({
  error: external_exports.object({ code: external_exports.string(), message: external_exports.string(), details: external_exports.unknown().optional() })
});
var answeredExpiresAt = external_exports.string().max(64).nullable();
function distrusted(expiresAt) {
  return expiresAt === null ? null : expiresAtProblem(expiresAt, Date.now());
}
var profileStatusSchema = external_exports.object({
  agentId: external_exports.string(),
  profileId: external_exports.string(),
  provider: external_exports.string().nullable(),
  type: external_exports.string().nullable(),
  expiresAt: answeredExpiresAt,
  hasRefreshToken: external_exports.boolean(),
  fingerprint: external_exports.string().nullable(),
  health: external_exports.enum(HEALTH_VALUES),
  /** Why a profile is `invalid`; absent otherwise. */
  reason: external_exports.string().optional(),
  /** The last refresh on this node failed for good (`invalid_grant`…): it needs a new login. */
  refreshError: external_exports.string().optional()
}).transform((profile) => {
  const problem = distrusted(profile.expiresAt);
  return problem ? { ...profile, expiresAt: null, fingerprint: null, health: "invalid", reason: problem } : profile;
});
var storeKindSchema = external_exports.enum(["auth-profiles-json", "openclaw-agent-sqlite", "openclaw-state-sqlite"]);
var storeFileStatusSchema = external_exports.object({
  agentId: external_exports.string(),
  /** Relative to the state dir. */
  path: external_exports.string(),
  /** `legacy`: state fields at the top level; `split`: beside it in auth-state.json. */
  layout: external_exports.enum(["legacy", "split"]).nullable(),
  readable: external_exports.boolean(),
  reason: external_exports.string().optional()
});
var gatewayStatusSchema = external_exports.object({
  url: external_exports.string(),
  reachable: external_exports.boolean(),
  ready: external_exports.boolean(),
  /** HTTP status of `/readyz`, or the network error's code. */
  detail: external_exports.string().optional(),
  /** The gateway's own uptime, when its `/readyz` reports one (OpenClaw does to local callers). */
  uptimeMs: external_exports.number().nonnegative().optional()
});
var capacitySchema = external_exports.object({
  maxConcurrent: external_exports.number().int().positive(),
  agentCount: external_exports.number().int().nonnegative(),
  /** Where the numbers came from: the config file, or OpenClaw's defaults when it is absent. */
  source: external_exports.enum(["openclaw.json", "defaults"]).optional(),
  reason: external_exports.string().optional()
});
var statusResponseSchema = external_exports.object({
  node: external_exports.string(),
  checkedAt: isoTime2,
  store: external_exports.object({
    kind: storeKindSchema,
    readable: external_exports.boolean(),
    stores: external_exports.array(storeFileStatusSchema).optional()
  }),
  profiles: external_exports.array(profileStatusSchema),
  gateway: gatewayStatusSchema,
  capacity: capacitySchema
});
var exportRequestSchema = external_exports.strictObject({
  /** Profiles to export; all syncable ones when absent. */
  profiles: external_exports.array(profileIdSchema).max(500).optional()
});
var exportedCredentialSchema = external_exports.strictObject({
  profileId: profileIdSchema,
  type: external_exports.enum(["oauth", "token"]),
  provider: external_exports.string().min(1),
  /** Which agent store on the source it came from (the freshest copy). */
  sourceAgentId: agentIdSchema,
  fields: external_exports.partialRecord(external_exports.enum(["access", "refresh", "expires", "accountId", "projectId", "email", "token"]), external_exports.union([external_exports.string().max(16384), epochMsSchema])).refine((fields) => fields.expires === void 0 || typeof fields.expires === "number", { message: "expires must be epoch milliseconds", path: ["expires"] }).refine((fields) => Object.entries(fields).every(([name, value]) => name === "expires" || typeof value === "string"), { message: "credential fields other than expires must be strings" })
}).superRefine((credential, ctx) => {
  const required2 = credential.type === "oauth" ? ["access", "expires"] : ["token"];
  for (const field of required2) {
    if (!(field in credential.fields)) ctx.addIssue({ code: "custom", message: `a ${credential.type} credential needs ${field}`, path: ["fields", field] });
  }
});
var credentialBundleSchema = external_exports.strictObject({
  node: external_exports.string(),
  exportedAt: isoTime2,
  credentials: external_exports.array(exportedCredentialSchema).max(500)
});
var exportSummarySchema = external_exports.object({
  profileId: external_exports.string(),
  type: external_exports.string(),
  provider: external_exports.string(),
  sourceAgentId: external_exports.string(),
  expiresAt: isoTime2.nullable(),
  fingerprint: external_exports.string(),
  health: external_exports.enum(HEALTH_VALUES)
});
var exportResponseSchema = external_exports.object({
  node: external_exports.string(),
  exportedAt: isoTime2,
  profiles: external_exports.array(exportSummarySchema),
  /** Requested profiles this node does not hold (or holds in a type that does not sync). */
  notExported: external_exports.array(external_exports.object({ profileId: external_exports.string(), reason: external_exports.string() })),
  sealed: sealedEnvelopeSchema
});
var importRequestSchema = external_exports.strictObject({
  dryRun: external_exports.boolean().default(false),
  /** Replace even with a credential that expires earlier. */
  force: external_exports.boolean().default(false),
  /** A sealed `credentialBundleSchema`, sealed for this node with purpose `import:<node>`. */
  sealed: sealedEnvelopeSchema
});
var PLAN_ACTIONS = ["update", "skip"];
var SKIP_REASONS = ["unchanged", "target_newer", "not_newer", "incoming_expired", "type_mismatch", "implausible_expiry"];
var profilePlanSchema = external_exports.object({
  profileId: external_exports.string(),
  action: external_exports.enum(PLAN_ACTIONS),
  reason: external_exports.enum([...SKIP_REASONS, "newer", "forced", "repairs_invalid"]),
  changedFields: external_exports.array(external_exports.string()),
  fromExpiresAt: isoTime2.nullable(),
  toExpiresAt: isoTime2.nullable(),
  fromFingerprint: external_exports.string().nullable(),
  toFingerprint: external_exports.string(),
  /** For `implausible_expiry`: why, in words (`expires 51234-01-01: not a plausible expiry …`). */
  detail: external_exports.string().optional()
});
var storeImportResultSchema = external_exports.object({
  agentId: external_exports.string(),
  path: external_exports.string(),
  outcome: external_exports.enum(["written", "unchanged", "planned", "refused"]),
  /** Relative to the state dir; present when a write happened. */
  backup: external_exports.string().optional(),
  reason: external_exports.string().optional(),
  profiles: external_exports.array(profilePlanSchema)
});
var importResponseSchema = external_exports.object({
  node: external_exports.string(),
  dryRun: external_exports.boolean(),
  force: external_exports.boolean(),
  stores: external_exports.array(storeImportResultSchema),
  /** Incoming profiles that no agent store on this node holds: sync never adds profiles. */
  notHeld: external_exports.array(external_exports.string())
});
var preflightRequestSchema = external_exports.strictObject({
  /** How long every OAuth profile must stay valid after the restart (default 30 min). */
  marginMs: external_exports.number().int().min(0).max(7 * 864e5).optional()
});
var profileVerdictSchema = external_exports.object({
  agentId: external_exports.string(),
  profileId: external_exports.string(),
  expiresAt: answeredExpiresAt,
  health: external_exports.enum(HEALTH_VALUES),
  /** True when the profile stays valid for at least the margin after a restart now. */
  staysValid: external_exports.boolean(),
  fingerprint: external_exports.string().nullable()
}).transform((verdict) => distrusted(verdict.expiresAt) ? { ...verdict, expiresAt: null, fingerprint: null, health: "invalid", staysValid: false } : verdict);
var blastRadiusSchema = external_exports.object({
  agentCount: external_exports.number().int(),
  maxConcurrent: external_exports.number().int(),
  expectedBurst: external_exports.object({ low: external_exports.number().int(), high: external_exports.number().int() }),
  exceedsCapacity: external_exports.boolean(),
  suggestedMaxConcurrent: external_exports.number().int().nullable()
});
var preflightResponseSchema = external_exports.object({
  node: external_exports.string(),
  checkedAt: isoTime2,
  marginMs: external_exports.number().int(),
  /** The node's own verdict: every OAuth profile stays valid and every store is readable. */
  go: external_exports.boolean(),
  reasons: external_exports.array(external_exports.string()),
  profiles: external_exports.array(profileVerdictSchema),
  blastRadius: blastRadiusSchema,
  gateway: gatewayStatusSchema
});
var restartRequestSchema = external_exports.strictObject({
  /** Cap on the wait for `/readyz`; the agent's `TOKENOPS_READY_DEADLINE` when absent. */
  readyDeadlineMs: external_exports.number().int().min(100).max(30 * 6e4).optional()
});
var restartResponseSchema = external_exports.object({
  node: external_exports.string(),
  outcome: external_exports.enum(["ready", "command_failed", "not_ready"]),
  startedAt: isoTime2,
  command: external_exports.object({
    argv0: external_exports.string(),
    exitCode: external_exports.number().int().nullable(),
    signal: external_exports.string().nullable(),
    timedOut: external_exports.boolean(),
    durationMs: external_exports.number().int(),
    /** The last lines of its output, with any credential value on this node blanked out. */
    outputTail: external_exports.array(external_exports.string())
  }),
  /** From the command's end until `/readyz` answered 200; null when it never did. */
  readyAfterMs: external_exports.number().int().nullable(),
  totalMs: external_exports.number().int(),
  gateway: gatewayStatusSchema,
  profiles: external_exports.array(profileStatusSchema)
});
var capacityRequestSchema = external_exports.strictObject({
  maxConcurrent: external_exports.number().int().min(1).max(1e3)
});
var capacityResponseSchema = external_exports.object({
  node: external_exports.string(),
  capacity: capacitySchema,
  blastRadius: blastRadiusSchema,
  /** Present after a change: the command that made it. */
  changed: external_exports.object({ from: external_exports.number().int(), to: external_exports.number().int() }).optional()
});
var agentEventSchema = external_exports.discriminatedUnion("type", [
  external_exports.object({
    type: external_exports.literal("profile.refreshed"),
    at: isoTime2,
    agentId: external_exports.string(),
    profileId: external_exports.string(),
    previousExpiresAt: isoTime2.nullable(),
    expiresAt: isoTime2.nullable(),
    previousFingerprint: external_exports.string().nullable(),
    fingerprint: external_exports.string().nullable()
  }),
  external_exports.object({ type: external_exports.literal("store.unreadable"), at: isoTime2, agentId: external_exports.string(), path: external_exports.string(), reason: external_exports.string() }),
  external_exports.object({ type: external_exports.literal("store.readable"), at: isoTime2, agentId: external_exports.string(), path: external_exports.string() }),
  external_exports.object({ type: external_exports.literal("gateway.ready"), at: isoTime2 }),
  external_exports.object({ type: external_exports.literal("gateway.not_ready"), at: isoTime2, detail: external_exports.string().optional() })
]);
var signedEventSchema = external_exports.object({ event: agentEventSchema, sig: external_exports.string() });
var refreshRequestSchema = external_exports.strictObject({
  /** Profiles to refresh; every OAuth profile on the node that has a refresh token when absent. */
  profiles: external_exports.array(profileIdSchema).min(1).max(100).optional(),
  /**
   * Renewal's conditions, judged on the store's own copy under its lock: refresh only while it
   * still holds this token (a node with an older copy must not spend its refresh token, which
   * the owner may have spent already) and only while it expires before this time (a gateway
   * that refreshed a moment ago is not repeated).
   */
  onlyIf: external_exports.strictObject({
    fingerprint: external_exports.string().regex(/^[0-9a-f]{12}$/, "expected a 12-hex-digit token fingerprint").optional(),
    expiresBefore: isoTime2.optional()
  }).optional()
});
var REFRESH_OUTCOMES = ["refreshed", "already_refreshed", "terminal", "failed", "not_held", "no_refresh_token", "no_provider", "stale_copy"];
var refreshResultSchema = external_exports.object({
  profileId: external_exports.string(),
  outcome: external_exports.enum(REFRESH_OUTCOMES),
  /** The provider's error code (`invalid_grant`, `refresh_token_reused`, `timeout`, …), never its text. */
  error: external_exports.string().optional(),
  previousExpiresAt: isoTime2.nullable(),
  expiresAt: isoTime2.nullable(),
  fingerprint: external_exports.string().nullable(),
  /** Whether the provider returned a new refresh token (single-use rotation). */
  rotated: external_exports.boolean(),
  /** Agent stores on this node now holding the new credential. */
  stores: external_exports.array(external_exports.string()),
  attempts: external_exports.number().int(),
  /** How long the new access token lives, from the provider's `expires_in` (less OpenClaw's early-expiry margin). */
  lifetimeMs: external_exports.number().int().positive().nullable().optional()
});
var refreshResponseSchema = external_exports.object({ node: external_exports.string(), results: external_exports.array(refreshResultSchema) });

// src/state/audit-actions.ts
var AUDIT_ACTIONS = {
  sync: "tokens sync",
  syncAfterRefresh: "tokens sync (after refresh)",
  syncDryRun: "tokens sync (dry run)",
  refresh: "tokens refresh",
  restart: "restart",
  restartPlan: "restart plan",
  restartConfirmation: "restart confirmation",
  capacitySet: "capacity set",
  /** The owner (or a stand-in) renewed an account before it expired, on its own schedule. */
  renewal: "renewal",
  /** Who renews an account changed: a stand-in took over from an owner down, or the owner took it back. */
  renewalOwner: "renewal owner"
};
var SYNC_ACTIONS = [AUDIT_ACTIONS.sync, AUDIT_ACTIONS.syncAfterRefresh];

// src/fleet/operations/capacity.ts
async function readCapacity(fleet, node) {
  return fleet.call(fleet.node(node).name, "GET", "/v1/capacity", capacityResponseSchema);
}
async function setCapacity(context, actor, node, maxConcurrent) {
  const name = context.fleetClient.node(node).name;
  let release;
  try {
    release = await context.locks.tryAcquire(name, "capacity change", actor.name);
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: "refused", detail: error.message });
    throw error;
  }
  try {
    const response = await context.fleetClient.call(name, "POST", "/v1/capacity", capacityResponseSchema, { maxConcurrent }, 6e4);
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: "ok", detail: `maxConcurrent ${response.changed?.from} \u2192 ${response.changed?.to}` });
    return response;
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: "failed", detail: error.message });
    throw error;
  } finally {
    await release();
  }
}

// src/cli/command-arguments.ts
function nodeOrAll(fleet, name, allowAll) {
  if (allowAll && name === "all") return fleet.nodeNames;
  return [fleet.node(name).name];
}
function profileIds(values) {
  if (!values || values.length === 0) return void 0;
  for (const value of values) {
    const parsed = profileIdSchema.safeParse(value);
    if (!parsed.success) throw new UsageError(`--profile: ${parsed.error.issues[0]?.message ?? "not a profile id"}`);
  }
  return [...new Set(values)];
}
function margin(text) {
  if (text === void 0) return void 0;
  const parsed = durationSchema.safeParse(text);
  if (!parsed.success || parsed.data > 7 * 864e5) throw new UsageError("--margin expects a duration such as 30m, 2h or 1d (at most 7d)");
  return parsed.data;
}

// src/cli/render/capacity-text.ts
function renderCapacityText(response) {
  const { capacity, blastRadius: blastRadius2 } = response;
  const lines = [];
  if (response.changed) lines.push(`maxConcurrent on ${response.node}: ${response.changed.from} \u2192 ${response.changed.to}. The gateway picks it up on its next restart.`);
  lines.push(`${response.node}: ${capacity.agentCount} agents, maxConcurrent ${capacity.maxConcurrent}${capacity.source === "defaults" ? " (OpenClaw default: no openclaw.json value)" : ""}.`);
  lines.push(`A restart reconnects them at once: expected burst ${blastRadius2.expectedBurst.low}\u2013${blastRadius2.expectedBurst.high}.`);
  lines.push(
    blastRadius2.exceedsCapacity ? `WARNING: that exceeds maxConcurrent; suggested ${blastRadius2.suggestedMaxConcurrent} (tokenops capacity ${response.node} --set ${blastRadius2.suggestedMaxConcurrent}).` : "Within capacity."
  );
  return lines.join("\n");
}

// src/cli/commands/capacity.ts
async function onNode(node, call) {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AgentCallError) throw new AgentCallError(error.kind, `${node}: ${error.message}`, error.status, error.code, error.details);
    throw error;
  }
}
var capacityCommand = {
  name: "capacity",
  summary: "a node's agents against maxConcurrent; set it with --set",
  help: `usage: tokenops capacity <node> [--set <n>] [--json]

Shows the node's agents against agents.defaults.maxConcurrent and the reconnect burst a
restart causes (the incident's rule of thumb: 15 agents \u2192 a peak of 8\u201310 \u2192 12), with a
suggested value. --set changes it through the agent (openclaw config set); the gateway
picks it up on its next restart. Audited.

exit 0  within capacity (or set)
exit 1  the burst exceeds maxConcurrent, the node did not answer, or the change failed
exit 2  unknown node, or --set not a whole number from 1 to 1000`,
  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: { set: { type: "string" } }, required: ["node"] });
    const [node = ""] = positionals;
    const value = values.set === void 0 ? void 0 : wholeNumber("set", values.set, 1, 1e3);
    const fleet = context.fleetClient();
    nodeOrAll(fleet, node, false);
    let response;
    if (value === void 0) response = await onNode(node, readCapacity(fleet, node));
    else response = await onNode(node, setCapacity(await context.operations(), context.actor, node, value));
    const json = {
      ok: value !== void 0 || !response.blastRadius.exceedsCapacity,
      command: "capacity",
      node: response.node,
      capacity: { maxConcurrent: response.capacity.maxConcurrent, agentCount: response.capacity.agentCount, source: response.capacity.source ?? null },
      blastRadius: response.blastRadius,
      changed: response.changed ?? null
    };
    return { json, text: renderCapacityText(response) };
  }
};

// src/cli/commands/keygen.ts
import { randomBytes as randomBytes4 } from "node:crypto";
var keygenCommand = {
  name: "keygen",
  summary: "print a fresh node key (TOKENOPS_AGENT_KEY)",
  help: `usage: tokenops keygen [--json]

Prints a fresh node key: ${MIN_KEY_BYTES} random bytes as 64 hex characters, the form
TOKENOPS_AGENT_KEY takes (the same as \`openssl rand -hex 32\`). Nothing else goes to stdout,
so it can be captured: KEY=$(tokenops keygen). Put it in the agent's environment file
(mode 0600) and in the bot's, under the name the fleet file's keyEnv gives.

exit 0  printed`,
  async run(argv) {
    parseArguments(argv, { options: {} });
    const key = randomBytes4(MIN_KEY_BYTES).toString("hex");
    if (decodeNodeKey(key).length !== MIN_KEY_BYTES) throw new Error("generated key does not decode as a node key");
    const json = { ok: true, command: "keygen", key };
    return { json, text: key };
  }
};

// src/domain/preflight.ts
var DEFAULT_RESTART_MARGIN_MS = 30 * 6e4;
function preflightVerdicts(profiles, nowMs, marginMs) {
  return profiles.filter((profile) => profile.type === "oauth" || profile.health === "invalid").map((profile) => ({
    agentId: profile.agentId,
    profileId: profile.profileId,
    expiresAt: profile.expiresAt,
    health: profile.health,
    fingerprint: profile.fingerprint,
    staysValid: profile.health !== "invalid" && profile.expiresAt !== null && Date.parse(profile.expiresAt) - nowMs >= marginMs
  }));
}

// src/domain/blast-radius.ts
var PEAK_LOW_RATIO = 8 / 15;
var PEAK_HIGH_RATIO = 2 / 3;
var HEADROOM = 1.2;
function blastRadius(agentCount, maxConcurrent) {
  const low = Math.round(agentCount * PEAK_LOW_RATIO);
  const high = Math.ceil(agentCount * PEAK_HIGH_RATIO);
  const exceedsCapacity = high > maxConcurrent;
  return {
    agentCount,
    maxConcurrent,
    expectedBurst: { low, high },
    exceedsCapacity,
    suggestedMaxConcurrent: exceedsCapacity ? Math.ceil(high * HEADROOM) : null
  };
}

// src/domain/restart-plan.ts
function validCopies(others, profileId, nowMs, marginMs) {
  return others.flatMap(({ node, profiles }) => profiles.filter((profile) => profile.profileId === profileId && profile.health !== "invalid" && profile.expiresAt && Date.parse(profile.expiresAt) - nowMs >= marginMs).map((profile) => ({ node, profile }))).sort((a, b2) => Date.parse(b2.profile.expiresAt) - Date.parse(a.profile.expiresAt));
}
function chooseFix(input, profileId) {
  const owner = ownerOf(profileId, input.owners);
  const valid = validCopies(input.others, profileId, input.nowMs, input.marginMs);
  const fromOwner = valid.find((copy) => copy.node === owner);
  const source = fromOwner ?? valid[0];
  if (source) return { fix: { kind: "sync", from: source.node } };
  if (owner === input.node) {
    const here = input.profiles.find((profile) => profile.profileId === profileId && profile.hasRefreshToken && !profile.refreshError);
    if (here) return { fix: { kind: "refresh", owner, thenSyncFrom: null } };
    return { fix: null, blocker: `no valid copy on any node, and ${input.node} (its owner) has no usable refresh token: it needs a new login` };
  }
  if (owner) {
    const ownerNode = input.others.find((other) => other.node === owner);
    if (!ownerNode) return { fix: null, blocker: `no valid copy on any node, and its owner ${owner} did not answer` };
    const canRefresh = ownerNode.profiles.some((profile) => profile.profileId === profileId && profile.hasRefreshToken && !profile.refreshError);
    if (canRefresh) return { fix: { kind: "refresh", owner, thenSyncFrom: owner } };
    return { fix: null, blocker: `no valid copy on any node, and its owner ${owner} cannot refresh it (no usable refresh token): a new login on ${owner} is needed` };
  }
  return { fix: null, blocker: "no valid copy on any node, and no owner to refresh it (owners in the fleet file)" };
}
function groupFixes(checks) {
  const refreshes = /* @__PURE__ */ new Map();
  const syncs = /* @__PURE__ */ new Map();
  for (const check of checks) {
    if (check.fix?.kind === "refresh") refreshes.set(check.fix.owner, [...refreshes.get(check.fix.owner) ?? [], check.profileId]);
    const from = check.fix?.kind === "sync" ? check.fix.from : check.fix?.kind === "refresh" ? check.fix.thenSyncFrom : null;
    if (from) syncs.set(from, [...syncs.get(from) ?? [], check.profileId]);
  }
  return { refreshes, syncs };
}
function planRestart(input) {
  const verdicts = preflightVerdicts(input.profiles, input.nowMs, input.marginMs);
  const byProfile = /* @__PURE__ */ new Map();
  for (const verdict2 of verdicts) {
    const existing = byProfile.get(verdict2.profileId);
    if (existing) {
      existing.agents.push(verdict2.agentId);
      if (!verdict2.staysValid) existing.staysValid = false;
      continue;
    }
    byProfile.set(verdict2.profileId, { profileId: verdict2.profileId, agents: [verdict2.agentId], expiresAt: verdict2.expiresAt, staysValid: verdict2.staysValid, fix: null });
  }
  const checks = [...byProfile.values()];
  for (const check of checks.filter((candidate) => !candidate.staysValid)) {
    const { fix, blocker } = chooseFix(input, check.profileId);
    check.fix = fix;
    if (blocker) check.blocker = blocker;
  }
  const radius = blastRadius(input.capacity.agentCount, input.capacity.maxConcurrent);
  const capacityChange = input.raiseCapacity && radius.suggestedMaxConcurrent ? { from: radius.maxConcurrent, to: radius.suggestedMaxConcurrent } : null;
  const blocked = checks.filter((check) => !check.staysValid && !check.fix);
  const noGo = blocked.length > 0 || input.unreadableStores.length > 0;
  const verdict = noGo ? input.force ? "forced" : "no_go" : checks.some((check) => check.fix) ? "go_after_fixes" : "go";
  const steps = [];
  const { refreshes, syncs } = groupFixes(checks);
  for (const [owner, ids] of refreshes) steps.push(`refresh ${ids.join(", ")} on ${owner} (the owner)`);
  for (const [from, ids] of syncs) steps.push(`sync ${ids.join(", ")} from ${from} to ${input.node}`);
  if (capacityChange) steps.push(`raise maxConcurrent on ${input.node} from ${capacityChange.from} to ${capacityChange.to}`);
  steps.push(`restart the gateway on ${input.node} (${input.restartCommand})`);
  steps.push("wait for /readyz, then re-read token health");
  const risks = verdict === "forced" ? [
    ...blocked.map((check) => `${check.profileId} will load ${check.expiresAt && Date.parse(check.expiresAt) <= input.nowMs ? "expired" : "about to expire"}: ${check.blocker}`),
    ...input.unreadableStores.map((store) => `store ${store} is unreadable`),
    "agents using these profiles will fail after the restart"
  ] : [];
  return { node: input.node, verdict, marginMs: input.marginMs, checks, blastRadius: radius, capacityChange, steps, risks, unreadableStores: [...input.unreadableStores] };
}

// src/domain/fleet-view.ts
var SEVERITY_ORDER = ["ok", "missing", "expiring", "expired", "invalid", "unreachable"];
function severityRank(value) {
  return SEVERITY_ORDER.indexOf(value);
}
function worstOf(values) {
  let worst = "ok";
  for (const value of values) if (severityRank(value) > severityRank(worst)) worst = value;
  return worst;
}
function nodeUrgency(node) {
  return severityRank(node.worst) + (node.reachable && !node.gateway?.ready ? 0.5 : 0);
}
var SYNCABLE = /* @__PURE__ */ new Set(["oauth", "token"]);
function cellHealth(profile, options3) {
  if (profile.health === "invalid") return "invalid";
  return classifyExpiry(profile.expiresAt ? Date.parse(profile.expiresAt) : null, options3.nowMs, options3.warnBeforeMs);
}
function foldAgents(profiles, options3) {
  const cells = /* @__PURE__ */ new Map();
  for (const profile of profiles) {
    const health = cellHealth(profile, options3);
    const existing = cells.get(profile.profileId);
    if (!existing) {
      cells.set(profile.profileId, {
        profileId: profile.profileId,
        type: profile.type,
        health,
        expiresAt: profile.expiresAt,
        agents: [profile.agentId],
        fingerprint: profile.fingerprint,
        agentsDisagree: false,
        ...profile.reason ? { reason: profile.reason } : {},
        ...profile.refreshError ? { refreshError: profile.refreshError } : {},
        copies: [{ agentId: profile.agentId, fingerprint: profile.fingerprint, expiresAt: profile.expiresAt, hasRefreshToken: profile.hasRefreshToken }]
      });
      continue;
    }
    existing.copies.push({ agentId: profile.agentId, fingerprint: profile.fingerprint, expiresAt: profile.expiresAt, hasRefreshToken: profile.hasRefreshToken });
    if (profile.refreshError) existing.refreshError = profile.refreshError;
    existing.agents.push(profile.agentId);
    if (existing.fingerprint !== profile.fingerprint) existing.agentsDisagree = true;
    existing.type ??= profile.type;
    if (severityRank(health) > severityRank(existing.health)) {
      Object.assign(existing, { health, expiresAt: profile.expiresAt, fingerprint: profile.fingerprint, type: profile.type ?? existing.type });
      if (profile.reason) existing.reason = profile.reason;
    }
  }
  return cells;
}
function buildFleetView(checkedAt, results, options3) {
  const folded = new Map(results.map((result2) => [result2.node, result2.ok ? foldAgents(result2.value.profiles, options3) : null]));
  const holders = /* @__PURE__ */ new Map();
  const types = /* @__PURE__ */ new Map();
  for (const [node, cells] of folded) {
    for (const cell of cells?.values() ?? []) {
      if (!holders.has(cell.profileId)) holders.set(cell.profileId, /* @__PURE__ */ new Map());
      holders.get(cell.profileId).set(node, cell.fingerprint);
      types.set(cell.profileId, cell.type);
    }
  }
  const tags = /* @__PURE__ */ new Map();
  for (const [profileId, byNode] of holders) {
    const owner = ownerOf(profileId, options3.owners);
    const ordered = [...owner && byNode.has(owner) ? [byNode.get(owner)] : [], ...byNode.values()].filter((fp) => fp !== null && fp !== void 0);
    const letters = /* @__PURE__ */ new Map();
    for (const fp of ordered) if (!letters.has(fp)) letters.set(fp, String.fromCharCode(65 + Math.min(letters.size, 25)));
    tags.set(profileId, letters);
  }
  const nodes = results.map((result2) => {
    if (!result2.ok) {
      return { name: result2.node, reachable: false, error: { kind: result2.error.kind, message: result2.error.message }, unreadableStores: [], profiles: [], worst: "unreachable" };
    }
    const status = result2.value;
    const cells = folded.get(result2.node);
    const profiles = [...cells.values()].map((cell) => {
      const owner = ownerOf(cell.profileId, options3.owners);
      const ownerFingerprint = owner ? holders.get(cell.profileId)?.get(owner) : void 0;
      const sharedBy = holders.get(cell.profileId)?.size ?? 0;
      return {
        ...cell,
        tokenTag: sharedBy > 1 && cell.fingerprint ? tags.get(cell.profileId)?.get(cell.fingerprint) ?? null : null,
        owner,
        isOwner: owner === result2.node,
        divergesFromOwner: Boolean(owner && owner !== result2.node && ownerFingerprint && cell.fingerprint && cell.fingerprint !== ownerFingerprint)
      };
    });
    for (const [profileId, byNode] of holders) {
      if (byNode.has(result2.node) || !SYNCABLE.has(types.get(profileId) ?? "")) continue;
      const owner = ownerOf(profileId, options3.owners);
      profiles.push({ profileId, type: types.get(profileId) ?? null, health: "missing", expiresAt: null, agents: [], fingerprint: null, tokenTag: null, owner, isOwner: false, divergesFromOwner: false, agentsDisagree: false, copies: [] });
    }
    profiles.sort((a, b2) => severityRank(b2.health) - severityRank(a.health) || a.profileId.localeCompare(b2.profileId));
    const unreadableStores = (status.store.stores ?? []).filter((store) => !store.readable).map((store) => ({ agentId: store.agentId, reason: store.reason ?? "unreadable" }));
    if (!status.store.readable && unreadableStores.length === 0) unreadableStores.push({ agentId: "*", reason: status.store.stores?.length === 0 ? "no credential store found" : "unreadable" });
    const worst = nodeWorst(profiles, unreadableStores);
    return {
      name: result2.node,
      reachable: true,
      gateway: { reachable: status.gateway.reachable, ready: status.gateway.ready },
      capacity: { agentCount: status.capacity.agentCount, maxConcurrent: status.capacity.maxConcurrent },
      unreadableStores,
      profiles,
      worst
    };
  });
  return summarize(checkedAt, nodes);
}
function nodeWorst(profiles, unreadableStores) {
  return worstOf([...profiles.map((profile) => profile.health), ...unreadableStores.length > 0 ? ["invalid"] : []]);
}
function summarize(checkedAt, nodes) {
  const counts = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0]));
  for (const node of nodes) {
    if (!node.reachable) counts.unreachable++;
    for (const profile of node.profiles) counts[profile.health]++;
  }
  return { checkedAt, nodes, worst: worstOf(nodes.map((node) => node.worst)), counts };
}
function withProfiles(view, profilesOf) {
  return summarize(
    view.checkedAt,
    view.nodes.map((node) => {
      if (!node.reachable) return node;
      const profiles = profilesOf(node);
      return { ...node, profiles, worst: nodeWorst(profiles, node.unreadableStores) };
    })
  );
}
function selectNodes(view, names) {
  return summarize(view.checkedAt, view.nodes.filter((node) => names.includes(node.name)));
}

// src/domain/renewal-coverage.ts
function earliestCopy(cell) {
  let earliest = null;
  for (const copy of cell.copies) {
    if (!copy.expiresAt) continue;
    const expiresAtMs = Date.parse(copy.expiresAt);
    if (!earliest || expiresAtMs < earliest.expiresAtMs) earliest = { expiresAtMs, fingerprint: copy.fingerprint };
  }
  return earliest;
}
function applyRenewal(view, schedules, options3) {
  const byAccount = new Map(schedules.map((schedule) => [schedule.profileId, schedule]));
  return withProfiles(
    view,
    (node) => node.profiles.map((cell) => {
      const schedule = byAccount.get(cell.profileId);
      const copy = earliestCopy(cell);
      if (!schedule || !copy || cell.type !== "oauth") return cell;
      const current = schedule.current !== null && copy.fingerprint === schedule.current.fingerprint;
      const covers = renewalCovers(schedule, copy, { syncReaches: options3.syncAuto, nowMs: options3.nowMs });
      return {
        ...cell,
        health: covers && cell.health === "expiring" ? "ok" : cell.health,
        renewal: {
          atMs: schedule.dueAtMs,
          node: schedule.renewer,
          standIn: schedule.standIn,
          state: schedule.state,
          covers,
          current,
          currentExpiresAtMs: schedule.current?.expiresAtMs ?? null,
          renewers: schedule.owners,
          superseded: schedule.superseded,
          lastError: schedule.lastError,
          ...schedule.reason ? { reason: schedule.reason } : {}
        }
      };
    })
  );
}

// src/fleet/operations/renewal-view.ts
function renewalSettings(fleet) {
  return { auto: fleet.renew.auto, before: fleet.renew.before, ownerDownForMs: fleet.renew.ownerDownFor, lifetimes: fleet.renew.lifetimes, owners: fleet.owners };
}
async function withRenewalSchedule(view, fleet, memory, nowMs) {
  const [accounts, downSince] = memory ? await Promise.all([memory.accounts(), memory.downSince()]) : [/* @__PURE__ */ new Map(), {}];
  const { schedules } = planRenewals(view, accounts, downSince, renewalSettings(fleet), nowMs);
  return { view: applyRenewal(view, schedules, { syncAuto: fleet.sync.auto, nowMs }), schedules };
}

// src/fleet/operations/fleet-status.ts
async function fleetStatus(fleet, nodes) {
  const checkedAt = (/* @__PURE__ */ new Date()).toISOString();
  const results = await fleet.fanOut("GET", "/v1/status", statusResponseSchema, nodes ? { nodes: [...nodes] } : {});
  return { checkedAt, results };
}
function fleetViewOf(fleet, report, nowMs) {
  return buildFleetView(report.checkedAt, report.results, { owners: fleet.owners, warnBeforeMs: fleet.alerts.warnBefore, nowMs });
}
async function fleetStatusView(fleet, options3) {
  if (options3.node) fleet.node(options3.node);
  const report = await fleetStatus(fleet, options3.among);
  const { view } = await withRenewalSchedule(fleetViewOf(fleet.fleet, report, options3.nowMs), fleet.fleet, options3.renewals, options3.nowMs);
  return options3.node ? selectNodes(view, [options3.node]) : view;
}

// src/domain/fingerprint.ts
import { createHash as createHash2 } from "node:crypto";
function fingerprint(type, secret) {
  return createHash2("sha256").update(`tokenops-fingerprint\0${type}\0${secret}`).digest("hex").slice(0, 12);
}

// src/domain/profile-status.ts
function foldOAuthCopies(profiles) {
  const copies = /* @__PURE__ */ new Map();
  for (const profile of profiles) {
    if (profile.type !== "oauth") continue;
    const key = `${profile.profileId}\0${profile.health}\0${profile.expiresAt ?? ""}`;
    const copy = copies.get(key) ?? { profile, agents: [] };
    copy.agents.push(profile.agentId);
    copies.set(key, copy);
  }
  return [...copies.values()];
}

// src/domain/sync-plan.ts
function credentialExpiry(credential) {
  const expires = credential.fields.expires;
  return typeof expires === "number" ? expires : null;
}
function credentialFingerprint(credential) {
  const secret = credential.type === "oauth" ? credential.fields.access : credential.fields.token;
  return fingerprint(credential.type, String(secret ?? ""));
}
function foldPlans(plans) {
  const groups = /* @__PURE__ */ new Map();
  for (const { agentId, plan } of plans) {
    const key = `${plan.profileId}\0${plan.action}\0${plan.reason}`;
    const group = groups.get(key) ?? { plan, agents: [] };
    group.agents.push(agentId);
    groups.set(key, group);
  }
  return [...groups.values()];
}

// src/domain/sync-scope.ts
function sourceRefusal(source, credential, rules) {
  const { profileId } = credential;
  if (rules.requested && !rules.requested.includes(profileId)) return `not asked for: ${source} sent it anyway, and it was dropped`;
  const expected = rules.expected?.[profileId];
  if (expected !== void 0) return credentialFingerprint(credential) === expected ? null : `not the account's current token: ${source} sent another one, and it was dropped`;
  const owners = ownersOf(profileId, rules.owners);
  if (rules.authority === "owner" && !owners.includes(source)) {
    return `${source} is not in the owners list of ${profileId}: an automatic sync takes an account only from its owner or a stand-in`;
  }
  if (rules.authority === "named" && !rules.requested && owners.length > 0 && !owners.includes(source)) {
    return `${source} does not own ${profileId} (${owners[0]} does): name the profile to take it from ${source}`;
  }
  return null;
}
function cutToSource(source, credentials, rules) {
  const kept = [];
  const dropped = [];
  const seen = /* @__PURE__ */ new Set();
  for (const credential of credentials) {
    const refusal = seen.has(credential.profileId) ? `${source} sent it twice; the first was kept` : sourceRefusal(source, credential, rules);
    seen.add(credential.profileId);
    if (refusal) dropped.push({ profileId: credential.profileId, reason: refusal });
    else kept.push(credential);
  }
  return { kept, dropped };
}
function targetMayHold(profileId, target) {
  if (!target.holds.has(profileId)) return false;
  return !target.accounts || target.accounts.some((pattern) => profileMatches(pattern, profileId));
}

// src/fleet/operations/sync-report.ts
function syncTarget(request) {
  return `${request.from} \u2192 ${request.to}${request.profiles?.length ? ` (${request.profiles.join(", ")})` : ""}`;
}
function worthPassingOn(source, credentials, options3) {
  const live = [];
  const skipped = [];
  for (const credential of credentials) {
    const expires = credentialExpiry(credential);
    const implausible = expires === null ? null : expiryProblem(expires, options3.nowMs);
    if (implausible) skipped.push({ profileId: credential.profileId, reason: `${source} sent it with ${implausible}` });
    else if (options3.force || expires === null || expires > options3.nowMs) live.push(credential);
    else skipped.push({ profileId: credential.profileId, reason: `expired on ${source} <t:${Math.floor(expires / 1e3)}:R>` });
  }
  return { live, skipped };
}
function syncOutcome(report) {
  if (report.targets.every((target) => !target.ok)) return "failed";
  if (report.targets.some((target) => !target.ok || target.value.stores.some((store) => store.outcome === "refused"))) return "partial";
  return report.dryRun ? "planned" : "ok";
}
function writtenUpdates(response) {
  return response.stores.filter((store) => store.outcome === "written" || store.outcome === "planned").flatMap((store) => store.profiles.filter((plan) => plan.action === "update").map((plan) => ({ profileId: plan.profileId, agentId: store.agentId })));
}
function updatedProfiles(response) {
  return [...new Set(writtenUpdates(response).map((update) => update.profileId))];
}
function summarizeSync(report) {
  return report.targets.map((target) => {
    if (!target.ok) return `${target.node}: ${target.error.code === "busy" ? "busy" : target.error.kind}`;
    const updated = updatedProfiles(target.value);
    return `${target.node}: ${updated.length === 0 ? "nothing to change" : `${report.dryRun ? "would update" : "updated"} ${updated.join(", ")}`}`;
  }).join("; ");
}
var SKIP_REASON_TEXT = {
  unchanged: "already the same token",
  target_newer: "target already holds a newer one",
  not_newer: "not newer than what the target holds",
  incoming_expired: "source copy expired",
  type_mismatch: "a different profile type on the target",
  implausible_expiry: "its expiry is not plausible (too far ahead); not written"
};
function skipReasonText(reason) {
  return SKIP_REASON_TEXT[reason] ?? reason;
}

// src/fleet/operations/sync-tokens.ts
async function syncTokens(fleet, locks, request) {
  const { journalled } = request;
  if (!journalled || request.dryRun) return copyCredentials(fleet, locks, request);
  const target = syncTarget(request);
  const nodes = request.to === "all" ? fleet.nodeNames : [request.from, request.to];
  return journalled.journal.around({ action: AUDIT_ACTIONS.sync, target, nodes, actor: journalled.actor, ...journalled.message ? { message: journalled.message } : {} }, () => copyCredentials(fleet, locks, request));
}
async function copyCredentials(fleet, locks, request) {
  const source = fleet.node(request.from);
  const targets = request.to === "all" ? fleet.nodeNames.filter((name) => name !== request.from) : [fleet.node(request.to).name];
  if (request.to === request.from) throw new OperationRefusedError(`from and to are the same node (${request.from}): nothing to copy.`);
  if (targets.length === 0) throw new OperationRefusedError("the fleet has no other node to sync to.");
  let exported;
  try {
    exported = await fleet.call(source.name, "POST", "/v1/export", exportResponseSchema, request.profiles ? { profiles: request.profiles } : {});
  } catch (error) {
    if (error instanceof AgentCallError) throw new OperationRefusedError(`source ${source.name} did not answer the export (${error.kind}: ${error.message}); nothing was copied.`);
    throw error;
  }
  const opened = credentialBundleSchema.safeParse(unseal(source.key, `export:${source.name}`, exported.sealed));
  if (!opened.success) throw new OperationRefusedError(`source ${source.name} sent a credential bundle that does not match the API; nothing was copied.`);
  if (opened.data.node !== source.name) throw new OperationRefusedError(`source ${source.name} sent a credential bundle made by another node; nothing was copied.`);
  const skippedAtSource = exported.notExported.map(({ profileId, reason }) => ({ profileId, reason }));
  const worth = worthPassingOn(source.name, opened.data.credentials, { force: request.force ?? false, nowMs: Date.now() });
  skippedAtSource.push(...worth.skipped);
  const live = worth.live;
  const cut = cutToSource(source.name, live, { ...request.profiles ? { requested: request.profiles } : {}, ...request.expected ? { expected: request.expected } : {}, owners: fleet.fleet.owners, authority: request.authority ?? "owner" });
  skippedAtSource.push(...cut.dropped);
  const credentials = cut.kept;
  if (credentials.length === 0) {
    const reasons = skippedAtSource.filter((skip) => !skip.reason.endsWith("are not synced"));
    const why = reasons.length > 0 ? reasons.map((skip) => `${skip.profileId}: ${skip.reason}`).join("; ") : `${source.name} holds no credentials to sync`;
    throw new OperationRefusedError(`nothing to sync from ${source.name}: ${why}. Refresh on the owner first (/tokens refresh).`, { kind: "nothing_to_sync", source: source.name, skipped: reasons });
  }
  const bundle = { ...opened.data, credentials };
  const importInto = async (target) => {
    const started = Date.now();
    let release;
    try {
      if (!request.dryRun && !request.locksHeld?.includes(target)) {
        release = request.waitForLocksMs === void 0 ? await locks.tryAcquire(target, "tokens sync", request.by) : await locks.acquire(target, "tokens sync", request.by, request.waitForLocksMs);
      }
      const node = fleet.node(target);
      const holds = request.holdings?.get(target) ?? new Set((await fleet.call(target, "GET", "/v1/status", statusResponseSchema)).profiles.map((profile) => profile.profileId));
      const send = bundle.credentials.filter((credential) => targetMayHold(credential.profileId, { accounts: node.accounts, holds }));
      const withheld = bundle.credentials.filter((credential) => !send.includes(credential)).map((credential) => credential.profileId);
      if (send.length === 0) return { node: target, ok: true, value: { node: target, dryRun: request.dryRun, force: request.force ?? false, stores: [], notHeld: withheld }, ms: Date.now() - started };
      const sealed = seal(node.key, `import:${target}`, { ...bundle, credentials: send });
      const value = await fleet.call(target, "POST", "/v1/import", importResponseSchema, { sealed, dryRun: request.dryRun, force: request.force ?? false }, 3e4);
      return { node: target, ok: true, value: { ...value, notHeld: [.../* @__PURE__ */ new Set([...value.notHeld, ...withheld])] }, ms: Date.now() - started };
    } catch (error) {
      if (error instanceof OperationRefusedError) return { node: target, ok: false, error: { kind: "http_error", code: "busy", message: error.message }, ms: Date.now() - started };
      return { node: target, ok: false, error: describeError(error), ms: Date.now() - started };
    } finally {
      await release?.();
    }
  };
  const results = await Promise.all(
    targets.map(async (target) => {
      const result2 = await importInto(target);
      request.onTargetDone?.(result2);
      return result2;
    })
  );
  return { from: source.name, dryRun: request.dryRun, force: request.force ?? false, exported: exported.profiles, skippedAtSource, targets: results };
}

// src/fleet/operations/restart-node.ts
async function planRestarts(fleet, nodes, options3) {
  for (const node of nodes) fleet.node(node);
  const report = await fleetStatus(fleet);
  const answered = report.results.flatMap((result2) => result2.ok ? [{ node: result2.node, status: result2.value }] : []);
  return nodes.map((node) => {
    const target = report.results.find((result2) => result2.node === node);
    if (!target?.ok) return { node, ok: false, reason: `${node} did not answer (${target && !target.ok ? `${target.error.kind}: ${target.error.message}` : "no answer"}); a restart needs its agent.` };
    const status = target.value;
    const plan = planRestart({
      node,
      profiles: status.profiles,
      unreadableStores: (status.store.stores ?? []).filter((store) => !store.readable).map((store) => store.path),
      capacity: status.capacity,
      others: answered.filter((other) => other.node !== node).map((other) => ({ node: other.node, profiles: other.status.profiles })),
      owners: fleet.fleet.owners,
      nowMs: Date.now(),
      marginMs: options3.marginMs ?? DEFAULT_RESTART_MARGIN_MS,
      force: options3.force,
      raiseCapacity: options3.raiseCapacity,
      restartCommand: "the agent's TOKENOPS_RESTART_CMD"
    });
    return { node, ok: true, plan };
  });
}
async function prepareRestarts(fleet, nodes, options3) {
  return (await planRestarts(fleet, nodes, options3)).map((result2) => {
    if (!result2.ok) throw new OperationRefusedError(result2.reason);
    return result2.plan;
  });
}
function restartTimings(execution) {
  const timings = [`fixes ${formatDuration(execution.fixMs)}`];
  const restart = execution.restart;
  if (restart) {
    timings.push(`restart command ${formatDuration(restart.command.durationMs)}`);
    if (restart.readyAfterMs !== null) timings.push(`ready after ${formatDuration(restart.readyAfterMs)}`);
    timings.push(`total ${formatDuration(execution.fixMs + restart.totalMs)}`);
  }
  return timings;
}
function fail(node, message, started) {
  return { node, outcome: "fix_failed", message, fixMs: Date.now() - started };
}
async function executeRestart(run, plan, progress) {
  const { fleet, locks, actor, held } = run;
  const record = async (entry) => run.audit?.record({ actor, ...entry });
  const why = `a fix before restarting ${plan.node}`;
  const node = plan.node;
  const started = Date.now();
  const { refreshes, syncs } = groupFixes(plan.checks);
  try {
    for (const [owner, profiles] of refreshes) {
      await progress(`refreshing ${profiles.join(", ")} on ${owner}\u2026`);
      const release = owner === node || held.has(owner) ? async () => void 0 : await locks.acquire(owner, "refresh for a restart", actor.name, 3e4);
      try {
        const onlyIf = { expiresBefore: new Date(Date.now() + plan.marginMs).toISOString() };
        const response = await fleet.call(owner, "POST", "/v1/refresh", refreshResponseSchema, { profiles, onlyIf }, 9e4);
        const bad = response.results.filter((result2) => result2.outcome !== "refreshed" && result2.outcome !== "already_refreshed");
        const detail = response.results.map((result2) => `${result2.profileId}: ${result2.outcome}${result2.error ? ` (${result2.error})` : ""}`).join("; ");
        await record({ action: AUDIT_ACTIONS.refresh, target: `${owner} (${profiles.join(", ")})`, outcome: bad.length === 0 ? "ok" : "failed", detail: `${why}: ${detail}` });
        if (bad.length > 0) return fail(node, `refresh on ${owner} failed (${bad.map((result2) => `${result2.profileId}: ${result2.error ?? result2.outcome}`).join("; ")}); ${node} was not restarted`, started);
      } finally {
        await release();
      }
    }
    for (const [from, profiles] of syncs) {
      await progress(`syncing ${profiles.join(", ")} from ${from}\u2026`);
      const report = await syncTokens(fleet, locks, { from, to: node, profiles, dryRun: false, authority: "named", by: actor.name, locksHeld: [...held] });
      await record({ action: AUDIT_ACTIONS.sync, target: syncTarget({ from, to: node, profiles }), outcome: syncOutcome(report), detail: `${why}: ${summarizeSync(report)}` });
      const target = report.targets[0];
      if (!target?.ok) return fail(node, `sync from ${from} failed (${target && !target.ok ? target.error.message : "no answer"}); ${node} was not restarted`, started);
    }
    if (refreshes.size + syncs.size > 0 && plan.verdict !== "forced") {
      const status = (await fleetStatus(fleet, [node])).results[0];
      if (!status?.ok) return fail(node, `${node} did not answer after the fixes; it was not restarted`, started);
      const still = preflightVerdicts(status.value.profiles, Date.now(), plan.marginMs).filter((verdict) => !verdict.staysValid);
      if (still.length > 0) return fail(node, `after the fixes ${[...new Set(still.map((verdict) => verdict.profileId))].join(", ")} still would not stay valid; ${node} was not restarted`, started);
    }
    if (plan.capacityChange) {
      await progress(`raising maxConcurrent to ${plan.capacityChange.to}\u2026`);
      try {
        const response = await fleet.call(node, "POST", "/v1/capacity", capacityResponseSchema, { maxConcurrent: plan.capacityChange.to }, 6e4);
        await record({ action: AUDIT_ACTIONS.capacitySet, target: node, outcome: "ok", detail: `${why}: maxConcurrent ${response.changed?.from ?? plan.capacityChange.from} \u2192 ${response.changed?.to ?? plan.capacityChange.to}` });
      } catch (error) {
        await record({ action: AUDIT_ACTIONS.capacitySet, target: node, outcome: "failed", detail: `${why}: ${error.message}` });
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof AgentCallError || error instanceof OperationRefusedError) return fail(node, `${error.message}; ${node} was not restarted`, started);
    throw error;
  }
  const fixMs = Date.now() - started;
  await progress(`restarting the gateway on ${node} and waiting for it to be ready\u2026`);
  let restart;
  try {
    restart = await fleet.call(node, "POST", "/v1/restart", restartResponseSchema, {}, 10 * 6e4);
  } catch (error) {
    if (error instanceof AgentCallError) return { node, outcome: "command_failed", message: `the agent did not carry out the restart (${error.message})`, fixMs };
    throw error;
  }
  const message = restart.outcome === "ready" ? `ready ${Math.round((restart.readyAfterMs ?? 0) / 100) / 10} s after the restart command` : restart.outcome === "not_ready" ? `the gateway restarted but was not ready within the deadline (${restart.gateway.detail ?? "no detail"})` : `the restart command failed (exit ${restart.command.exitCode ?? restart.command.signal ?? "none"}${restart.command.timedOut ? ", timed out" : ""})`;
  return { node, outcome: restart.outcome, message, fixMs, restart };
}
async function rollingRestart(run, plans, progress, options3 = {}) {
  const held = new Set(plans.map((plan) => plan.node));
  const roll = async () => {
    const results = [];
    for (const [index, plan] of plans.entries()) {
      const execution = await executeRestart({ ...run, held }, plan, (step) => progress(plan.node, index, step));
      results.push(execution);
      await options3.onNodeDone?.(execution, plan);
      if (execution.outcome !== "ready") break;
    }
    return { results, untouched: plans.slice(results.length).map((plan) => plan.node) };
  };
  if (!options3.journalled) return roll();
  const { journal, actor, message, target } = options3.journalled;
  return journal.around({ action: AUDIT_ACTIONS.restart, target, nodes: plans.map((plan) => plan.node), actor, ...message ? { message } : {} }, roll, { abandonOnError: true });
}

// src/cli/json/to-json.ts
function nodeErrorToJson(error) {
  return { kind: error.kind, message: scrub(error.message), ...error.code ? { code: error.code } : {} };
}
function renewalToJson(renewal) {
  return {
    state: renewal.state,
    at: renewal.atMs === null ? null : new Date(renewal.atMs).toISOString(),
    node: renewal.node,
    standIn: renewal.standIn,
    covers: renewal.covers,
    // Discord's relative timestamps in the shared wording, as the contract's ISO times.
    ...renewal.reason ? { reason: scrub(renewal.reason).replace(/<t:(\d+):[a-zA-Z]>/g, (_2, seconds) => new Date(Number(seconds) * 1e3).toISOString()) } : {},
    ...renewal.lastError ? { lastError: scrub(renewal.lastError) } : {}
  };
}
function statusToJson(view, failures) {
  return {
    checkedAt: view.checkedAt,
    worst: view.worst,
    counts: view.counts,
    failures,
    nodes: view.nodes.map((node) => ({
      name: node.name,
      reachable: node.reachable,
      error: node.error ? nodeErrorToJson(node.error) : null,
      gateway: node.gateway ?? null,
      capacity: node.capacity ?? null,
      unreadableStores: node.unreadableStores.map((store) => ({ agentId: store.agentId, reason: scrub(store.reason) })),
      worst: node.worst,
      profiles: node.profiles.map((cell) => ({
        profileId: cell.profileId,
        type: cell.type,
        health: cell.health,
        expiresAt: cell.expiresAt,
        agents: cell.agents,
        fingerprint: cell.fingerprint,
        tokenTag: cell.tokenTag,
        owner: cell.owner,
        isOwner: cell.isOwner,
        divergesFromOwner: cell.divergesFromOwner,
        agentsDisagree: cell.agentsDisagree,
        ...cell.reason ? { reason: scrub(cell.reason) } : {},
        ...cell.refreshError ? { refreshError: scrub(cell.refreshError) } : {},
        ...cell.renewal ? { renewal: renewalToJson(cell.renewal) } : {}
      }))
    }))
  };
}
function syncReportToJson(report) {
  return {
    from: report.from,
    dryRun: report.dryRun,
    outcome: syncOutcome(report),
    exported: report.exported.map((profile) => ({ profileId: profile.profileId, type: profile.type, expiresAt: profile.expiresAt, fingerprint: profile.fingerprint })),
    skippedAtSource: report.skippedAtSource.map((skip) => ({ profileId: skip.profileId, reason: scrub(skip.reason) })),
    targets: report.targets.map(
      (target) => target.ok ? {
        node: target.node,
        ok: true,
        updated: updatedProfiles(target.value),
        stores: target.value.stores.map((store) => ({
          agentId: store.agentId,
          path: store.path,
          outcome: store.outcome,
          ...store.backup ? { backup: store.backup } : {},
          ...store.reason ? { reason: scrub(store.reason) } : {},
          profiles: store.profiles.map((plan) => ({
            profileId: plan.profileId,
            action: plan.action,
            reason: plan.reason,
            changedFields: plan.changedFields,
            fromExpiresAt: plan.fromExpiresAt,
            toExpiresAt: plan.toExpiresAt
          }))
        })),
        notHeld: target.value.notHeld
      } : { node: target.node, ok: false, error: nodeErrorToJson(target.error) }
    )
  };
}
function refreshResultsToJson(response) {
  return response.results.map((result2) => ({
    profileId: result2.profileId,
    outcome: result2.outcome,
    ...result2.error ? { error: scrub(result2.error) } : {},
    previousExpiresAt: result2.previousExpiresAt,
    expiresAt: result2.expiresAt,
    rotated: result2.rotated,
    stores: result2.stores,
    attempts: result2.attempts
  }));
}
function planToJson(plan) {
  return {
    node: plan.node,
    verdict: plan.verdict,
    marginMs: plan.marginMs,
    checks: plan.checks.map((check) => ({
      profileId: check.profileId,
      agents: check.agents,
      expiresAt: check.expiresAt,
      staysValid: check.staysValid,
      fix: check.fix,
      ...check.blocker ? { blocker: check.blocker } : {}
    })),
    blastRadius: plan.blastRadius,
    capacityChange: plan.capacityChange,
    steps: plan.steps,
    risks: plan.risks,
    unreadableStores: plan.unreadableStores
  };
}
function restartResultToJson(execution) {
  const restart = execution.restart;
  return {
    node: execution.node,
    outcome: execution.outcome,
    message: scrub(execution.message),
    fixMs: execution.fixMs,
    restart: restart ? {
      outcome: restart.outcome,
      readyAfterMs: restart.readyAfterMs,
      totalMs: restart.totalMs,
      command: {
        exitCode: restart.command.exitCode,
        signal: restart.command.signal,
        timedOut: restart.command.timedOut,
        durationMs: restart.command.durationMs,
        outputTail: restart.command.outputTail.map(scrub)
      },
      profiles: restart.profiles.map((profile) => ({ agentId: profile.agentId, profileId: profile.profileId, type: profile.type, health: profile.health, expiresAt: profile.expiresAt }))
    } : null
  };
}

// src/cli/render/restart-plan-text.ts
var VERDICT = {
  go: "GO: every OAuth profile stays valid past the margin.",
  go_after_fixes: "GO AFTER THE FIXES below: they run first, then the restart.",
  no_go: "NO-GO: no valid source for some tokens. This plan cannot be confirmed; fix the tokens first, or rerun with --force to restart anyway.",
  forced: "FORCED: restarting although some tokens will load invalid (see the risk below)."
};
function checkLine(check, nowMs) {
  const head = `${check.profileId} (${check.agents.join(", ")}) \xB7 ${expiry(check.expiresAt, nowMs)}`;
  if (check.staysValid) return `  ok    ${head}`;
  if (check.fix?.kind === "sync") return `  FIX   ${head} \u2192 sync from ${check.fix.from} first`;
  if (check.fix?.kind === "refresh") return `  FIX   ${head} \u2192 refresh on ${check.fix.owner} first${check.fix.thenSyncFrom ? `, then sync from ${check.fix.thenSyncFrom}` : ""}`;
  return `  NO-GO ${head} \xB7 ${check.blocker ?? "no fix"}`;
}
function blastRadiusLine(plan) {
  const radius = plan.blastRadius;
  if (!radius.exceedsCapacity) return `  ok    ${radius.agentCount} agents, expected burst ${radius.expectedBurst.low}\u2013${radius.expectedBurst.high} within maxConcurrent ${radius.maxConcurrent}.`;
  const head = `  WARN  ${radius.agentCount} agents reconnect at once: expected burst ${radius.expectedBurst.low}\u2013${radius.expectedBurst.high} against maxConcurrent ${radius.maxConcurrent}.`;
  return plan.capacityChange ? `${head} It is raised to ${plan.capacityChange.to} before the restart.` : `${head} Suggested: ${radius.suggestedMaxConcurrent} (tokenops capacity ${plan.node} --set ${radius.suggestedMaxConcurrent}, or rerun with --raise-capacity).`;
}
function renderRestartPlanText(plan, nowMs) {
  const lines = [`Restart ${plan.node} \xB7 plan`, VERDICT[plan.verdict], "", `Token check (valid for ${formatDuration(plan.marginMs)} after the restart):`];
  lines.push(...plan.unreadableStores.map((store) => `  NO-GO store ${store} is unreadable`));
  lines.push(...plan.checks.map((check) => checkLine(check, nowMs)));
  if (plan.checks.length === 0 && plan.unreadableStores.length === 0) lines.push("  no OAuth profiles");
  lines.push("Blast radius:", blastRadiusLine(plan), "What will run:", ...plan.steps.map((step, index) => `  ${index + 1}. ${step}`));
  if (plan.risks.length > 0) lines.push("Risk (forced):", ...plan.risks.map((risk) => `  - ${risk}`));
  return lines.join("\n");
}

// src/cli/commands/preflight.ts
var preflightCommand = {
  name: "preflight",
  summary: "the restart plan for a node (or all) without restarting anything",
  help: `usage: tokenops preflight <node|all> [--margin <duration>] [--raise-capacity] [--json]

Shows what \`tokenops restart\` would do, and changes nothing: whether every OAuth profile
stays valid for the margin after a restart (default 30m), the fix that would run first for
those that do not (a sync from a node with a valid copy, the owner's first, or a refresh on
the owner), the blast radius (agents reconnecting against maxConcurrent, and a suggested
value), and the steps in order.

  --margin <duration>  how long tokens must stay valid after the restart (e.g. 45m, 2h)
  --raise-capacity     plan the raise of maxConcurrent to the suggested value first

exit 0  go: the restart needs no fix
exit 1  a token needs a fix first, there is no valid source (no-go), or a node did not answer
exit 2  unknown node or option`,
  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: { margin: { type: "string" }, "raise-capacity": { type: "boolean" } }, required: ["node|all"] });
    const [target = ""] = positionals;
    const marginMs = margin(values.margin);
    const fleet = context.fleetClient();
    const nodes = nodeOrAll(fleet, target, true);
    const nowMs = context.nowMs();
    const results = await planRestarts(fleet, nodes, { force: false, raiseCapacity: values["raise-capacity"] ?? false, ...marginMs ? { marginMs } : {} });
    const plans = results.flatMap((result2) => result2.ok ? [result2.plan] : []);
    const unanswered = results.flatMap((result2) => result2.ok ? [] : [{ node: result2.node, reason: plainMessage(result2.reason, nowMs) }]);
    const notGo = plans.filter((plan) => plan.verdict !== "go");
    const json = { ok: notGo.length === 0 && unanswered.length === 0, command: "preflight", target, plans: plans.map(planToJson), unanswered };
    const verdict = json.ok ? `Preflight: go for ${plans.map((plan) => plan.node).join(", ")}.` : `Preflight: ${[...notGo.map((plan) => `${plan.node} ${plan.verdict === "no_go" ? "is a no-go" : "needs the fixes above first (tokenops restart runs them)"}`), ...unanswered.map((entry) => `${entry.node} did not answer`)].join("; ")}.`;
    const text = [...plans.map((plan) => renderRestartPlanText(plan, nowMs)), ...unanswered.map((entry) => `${entry.node}: ${entry.reason}`), verdict].join("\n\n");
    return { json, text };
  }
};

// src/fleet/operations/refresh-on-owner.ts
async function refreshOnOwner(fleet, locks, request) {
  const node = fleet.node(request.node).name;
  const owners = fleet.fleet.owners;
  let profiles;
  if (request.profile) {
    const owner = ownerOf(request.profile, owners);
    if (!owner) throw new OperationRefusedError(`${request.profile} has no owner in the fleet file (owners), so no node refreshes it by command. Add an owner pattern first.`);
    if (owner !== node) {
      throw new OperationRefusedError(`${node} does not own ${request.profile}: only ${owner} refreshes it (the owner), ${node} receives it by sync. Use /tokens refresh node:${owner}.`, { kind: "not_owner", node, profileId: request.profile, owner });
    }
    profiles = [request.profile];
  } else {
    let status;
    try {
      status = await fleet.call(node, "GET", "/v1/status", statusResponseSchema);
    } catch (error) {
      if (error instanceof AgentCallError) throw new OperationRefusedError(`${node} did not answer (${error.kind}: ${error.message}).`);
      throw error;
    }
    profiles = [...new Set(status.profiles.filter((profile) => profile.type === "oauth" && ownerOf(profile.profileId, owners) === node).map((profile) => profile.profileId))];
    if (profiles.length === 0) throw new OperationRefusedError(`${node} owns no OAuth account it holds (see owners in the fleet file): nothing to refresh.`);
  }
  const release = await locks.tryAcquire(node, "tokens refresh", request.by);
  try {
    return await fleet.call(node, "POST", "/v1/refresh", refreshResponseSchema, { profiles }, 9e4);
  } catch (error) {
    if (error instanceof AgentCallError && error.code === "busy") throw new OperationRefusedError(`${node} is busy with another operation: ${error.message}`);
    if (error instanceof AgentCallError) throw new OperationRefusedError(`${node} could not refresh (${error.kind}: ${error.message}).`);
    throw error;
  } finally {
    await release();
  }
}

// src/fleet/operations/audited-refresh.ts
function refreshedProfiles(response) {
  return response.results.filter((result2) => result2.outcome === "refreshed" || result2.outcome === "already_refreshed").map((result2) => result2.profileId);
}
function failedRefreshes(response) {
  return response.results.filter((result2) => result2.outcome === "terminal" || result2.outcome === "failed" || result2.outcome === "no_provider");
}
async function auditedRefresh(context, actor, request) {
  const target = `${request.node}${request.profile ? ` (${request.profile})` : ""}`;
  let response;
  try {
    response = await refreshOnOwner(context.fleetClient, context.locks, { ...request, by: actor.name });
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.refresh, target, outcome: "refused", detail: error.message });
    throw error;
  }
  const refreshed = refreshedProfiles(response);
  const failed = failedRefreshes(response);
  await context.audit.record({
    actor,
    action: AUDIT_ACTIONS.refresh,
    target,
    outcome: failed.length === 0 ? "ok" : refreshed.length > 0 ? "partial" : "failed",
    detail: response.results.map((result2) => `${result2.profileId}: ${result2.outcome}${result2.error ? ` (${result2.error})` : ""}`).join("; ")
  });
  return response;
}
async function syncAfterRefresh(context, actor, owner, response, options3 = {}) {
  const refreshed = refreshedProfiles(response);
  if (refreshed.length === 0 || context.fleetClient.nodeNames.length < 2) return null;
  const report = await syncTokens(context.fleetClient, context.locks, { from: owner, to: "all", profiles: refreshed, dryRun: false, by: actor.name, waitForLocksMs: 15e3, ...context.journal ? { journalled: { journal: context.journal, actor } } : {}, ...options3 });
  await context.audit.record({ actor, action: AUDIT_ACTIONS.syncAfterRefresh, target: `${owner} \u2192 all`, outcome: syncOutcome(report), detail: summarizeSync(report) });
  return report;
}

// src/domain/login-command.ts
function loginCommand(profileId) {
  const name = profileId.slice(profileId.indexOf(":") + 1);
  return `openclaw models auth login --provider ${providerOfProfile(profileId)}${name && name !== "default" && name !== profileId ? ` --profile-id ${profileId}` : ""}`;
}

// src/cli/render/refresh-text.ts
function resultLine(result2, owner, nowMs) {
  const id = result2.profileId;
  const error = scrub(result2.error ?? "unknown");
  switch (result2.outcome) {
    case "refreshed":
      return `  refreshed ${id}: now ${expiry(result2.expiresAt, nowMs)}${result2.rotated ? " \xB7 new refresh token saved" : ""} \xB7 ${result2.stores.join(", ")}`;
    case "already_refreshed":
      return `  refreshed ${id} meanwhile by someone else: ${expiry(result2.expiresAt, nowMs)}`;
    case "terminal":
      return `  FAILED FOR GOOD ${id} (${error}): the account needs a new login on ${owner} (${loginCommand(id)}), then: tokenops sync ${owner} all --profile ${id}. Not retried.`;
    case "failed":
      return `  FAILED ${id} (${error}) after ${result2.attempts} tries; nothing changed. It can be tried again.`;
    case "not_held":
      return `  skipped ${id}: not held on ${owner}`;
    case "no_refresh_token":
      return `  skipped ${id}: no refresh token on ${owner}`;
    case "no_provider":
      return `  FAILED ${id}: ${scrub(result2.error ?? "no token endpoint configured")}`;
    case "stale_copy":
      return `  skipped ${id}: ${owner} holds an older copy than the account's current token (its refresh token may be spent)`;
  }
}
function renderRefreshText(response, owner, nowMs) {
  return [`Refresh on ${owner}`, ...response.results.map((result2) => resultLine(result2, owner, nowMs))].join("\n");
}

// src/cli/render/sync-text.ts
function expiryText(iso, nowMs) {
  return iso ? when(iso, nowMs) : "no expiry";
}
function profileLines(plans, dryRun, nowMs) {
  const groups = foldPlans(plans);
  const ordered = groups.sort((a, b2) => Number(b2.plan.action === "update") - Number(a.plan.action === "update") || a.plan.profileId.localeCompare(b2.plan.profileId));
  return ordered.map(({ plan, agents }) => {
    if (plan.action === "update") {
      return `  ${dryRun ? "would update" : "updated"} ${plan.profileId} in ${agents.join(", ")}: ${expiryText(plan.fromExpiresAt, nowMs)} \u2192 ${expiryText(plan.toExpiresAt, nowMs)}${plan.reason === "forced" ? " (forced)" : ""}`;
    }
    return `  kept ${plan.profileId} in ${agents.join(", ")}: ${plan.detail ? scrub(plan.detail) : skipReasonText(plan.reason)}`;
  });
}
function targetLines(report, target, nowMs) {
  if (!target.ok) {
    const what = target.error.code === "busy" ? "BUSY" : target.error.kind === "unreachable" || target.error.kind === "timeout" ? "UNREACHABLE" : "FAILED";
    return { lines: [`${target.node}: ${what} \xB7 ${plainMessage(target.error.message, nowMs)}`], failed: true, changed: false };
  }
  const stores = target.value.stores;
  const updated = updatedProfiles(target.value).length;
  const refused = stores.filter((store) => store.outcome === "refused");
  const head = updated === 0 ? `${target.node}: nothing to change` : `${target.node}: ${report.dryRun ? "would update" : "updated"} ${updated} profile${updated === 1 ? "" : "s"}`;
  const lines = [head, ...profileLines(stores.flatMap((store) => store.profiles.map((plan) => ({ agentId: store.agentId, plan }))), report.dryRun, nowMs)];
  for (const store of refused) lines.push(`  REFUSED ${store.path}: ${scrub(store.reason ?? "refused")} (nothing written there)`);
  if (target.value.notHeld.length > 0) lines.push(`  not held here (a sync never adds a profile): ${target.value.notHeld.join(", ")}`);
  return { lines, failed: refused.length > 0, changed: updated > 0 };
}
function renderSyncText(report, nowMs) {
  const names = report.targets.map((target) => target.node);
  const lines = [`Sync ${report.from} \u2192 ${names.length === 1 ? names[0] : `all (${names.length} nodes)`}${report.dryRun ? " \xB7 dry run, nothing written" : ""}`];
  lines.push(`From ${report.from}: ${report.exported.map((profile) => `${profile.profileId} (${expiryText(profile.expiresAt, nowMs)})`).join(", ") || "nothing"}`);
  for (const skip of report.skippedAtSource) lines.push(`  not sent: ${skip.profileId}: ${plainMessage(skip.reason, nowMs)}`);
  const targets = report.targets.map((target) => targetLines(report, target, nowMs)).sort((a, b2) => Number(b2.failed) - Number(a.failed) || Number(b2.changed) - Number(a.changed));
  for (const target of targets) lines.push(...target.lines);
  return lines.join("\n");
}

// src/cli/commands/refresh.ts
var refreshCommand = {
  name: "refresh",
  summary: "refresh on the account's owner node, then sync the result to the others",
  help: `usage: tokenops refresh <node> [--profile <id>] [--json]

Runs the refresh-token grant on <node>, which must be the profile's owner (the fleet
file's "owners"): providers rotate refresh tokens, so a second node refreshing the same
account would spend the owner's. Without --profile, every OAuth account <node> owns.
The new credentials then go to every other node holding them. Audited.

exit 0  refreshed (and synced)
exit 1  refused (e.g. <node> is not the owner), a refresh failed (a terminal one needs
        a new login on the owner), or the follow-up sync failed somewhere
exit 2  unknown node or option`,
  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: { profile: { type: "string" } }, required: ["node"] });
    const [node = ""] = positionals;
    const profile = profileIds(values.profile === void 0 ? void 0 : [values.profile])?.[0];
    nodeOrAll(context.fleetClient(), node, false);
    const operations = await context.operations();
    const nowMs = context.nowMs();
    context.progress(`refreshing ${profile ?? "the accounts it owns"} on ${node}\u2026`);
    const response = await auditedRefresh(operations, context.actor, { node, ...profile ? { profile } : {} });
    const followerSync = await syncAfterRefresh(operations, context.actor, node, response, {
      onTargetDone: (result2) => context.progress(`sync ${node} \u2192 ${result2.node}: ${result2.ok ? "done" : `failed: ${plainMessage(result2.error.message, nowMs)}`}`)
    });
    const synced = followerSync?.targets.filter((target) => target.ok).length ?? 0;
    if (followerSync) context.progress(`synced the new credentials to ${synced} of ${followerSync.targets.length} other node${followerSync.targets.length === 1 ? "" : "s"}`);
    const syncFine = !followerSync || syncOutcome(followerSync) === "ok";
    const json = {
      ok: failedRefreshes(response).length === 0 && syncFine,
      command: "refresh",
      node,
      results: refreshResultsToJson(response),
      followerSync: followerSync ? syncReportToJson(followerSync) : null
    };
    const text = [renderRefreshText(response, node, nowMs), ...followerSync ? ["", renderSyncText(followerSync, nowMs)] : []].join("\n");
    return { json, text };
  }
};

// src/fleet/operations/restart-audit.ts
function restartTarget(target, force) {
  return `${target}${force ? " (force)" : ""}`;
}
function noGoPlans(plans) {
  return plans.filter((plan) => plan.verdict === "no_go");
}
var restartAudit = {
  refused(actor, target, reason) {
    return { actor, action: AUDIT_ACTIONS.restart, target, outcome: "refused", detail: reason };
  },
  noGo(actor, target, plans) {
    const blockers = noGoPlans(plans).flatMap((plan) => plan.checks.filter((check) => check.blocker).map((check) => `${check.profileId}: ${check.blocker}`));
    return { actor, action: AUDIT_ACTIONS.restart, target, outcome: "refused", detail: `no-go: ${blockers.join("; ")}` };
  },
  planned(actor, target, plans) {
    return { actor, action: AUDIT_ACTIONS.restartPlan, target, outcome: "planned", detail: plans.map((plan) => `${plan.node}: ${plan.verdict}; ${plan.steps.join(" \u2192 ")}`).join(" | ") };
  },
  expired(actor, target) {
    return { actor, action: AUDIT_ACTIONS.restart, target, outcome: "expired", detail: "no confirmation in time" };
  },
  cancelled(by, target, planBy) {
    return { actor: by, action: AUDIT_ACTIONS.restart, target, outcome: "cancelled", detail: `plan by ${planBy}` };
  },
  /** `how` says what counted as the confirmation when it was not the usual one (a ✅). */
  confirmed(by, target, plans, options3) {
    const forced = options3.force ? `; FORCED: ${plans.flatMap((plan) => plan.risks).join("; ")}` : "";
    return { actor: by, action: AUDIT_ACTIONS.restartConfirmation, target, outcome: "confirmed", detail: `plan by ${options3.planBy}${options3.how ? ` (${options3.how})` : ""}${forced}` };
  },
  /** The roll itself broke (not a node that failed to come back): what was done before it, and the error. */
  broke(by, target, error, done) {
    const before = done.length > 0 ? `; before it: ${done.map((execution) => `${execution.node} ${execution.outcome}`).join(", ")}` : "; no node was restarted";
    return { actor: by, action: AUDIT_ACTIONS.restart, target, outcome: "failed", detail: `stopped on an error: ${error}${before}` };
  },
  executed(by, execution, plan) {
    return {
      actor: by,
      action: AUDIT_ACTIONS.restart,
      target: execution.node,
      outcome: execution.outcome === "ready" ? "ok" : "failed",
      detail: `${execution.message}${plan?.verdict === "forced" ? " (forced)" : ""}`
    };
  }
};

// src/fleet/operations/confirmed-restart.ts
async function confirmedRestart(context, request, asker) {
  const { actor, nodes, force } = request;
  const label = restartTarget(request.target, force);
  let release;
  try {
    release = await context.locks.tryAcquireAll(nodes, `restart (${actor.name}'s plan)`, actor.name);
  } catch (error) {
    await context.audit.record(restartAudit.refused(actor, label, error.message));
    throw error;
  }
  try {
    let plans;
    try {
      plans = await prepareRestarts(context.fleetClient, nodes, { force, raiseCapacity: request.raiseCapacity, ...request.marginMs ? { marginMs: request.marginMs } : {} });
    } catch (error) {
      await context.audit.record(restartAudit.refused(actor, label, error.message));
      throw error;
    }
    if (noGoPlans(plans).length > 0) {
      await asker.showNoGo(plans);
      await context.audit.record(restartAudit.noGo(actor, label, plans));
      return { outcome: "no_go", plans };
    }
    const message = await asker.offer(plans);
    await context.audit.record(restartAudit.planned(actor, label, plans));
    const answer = await asker.answer(plans);
    if (answer.result === "expired") {
      await context.audit.record(restartAudit.expired(actor, label));
      return { outcome: "expired", plans };
    }
    if (answer.result === "cancelled") {
      await context.audit.record(restartAudit.cancelled(answer.by, label, actor.name));
      return { outcome: "cancelled", plans, by: answer.by };
    }
    const { by } = answer;
    await context.audit.record(restartAudit.confirmed(by, label, plans, { planBy: actor.name, force, ...answer.how ? { how: answer.how } : {} }));
    const journalled = context.journal ? { journal: context.journal, actor: by, target: label, ...message ? { message } : {} } : void 0;
    const progress = (node, index, step) => asker.progress(node, index, step, by).catch(() => void 0);
    const done = [];
    let rolled;
    try {
      rolled = await rollingRestart({ fleet: context.fleetClient, locks: context.locks, actor: by, audit: context.audit }, plans, progress, {
        ...journalled ? { journalled } : {},
        onNodeDone: async (execution, plan) => {
          done.push(execution);
          await context.audit.record(restartAudit.executed(by, execution, plan));
        }
      });
    } catch (error) {
      await context.audit.record(restartAudit.broke(by, label, scrub(error.message), done)).catch(() => void 0);
      throw error;
    }
    const { results, untouched } = rolled;
    return { outcome: results.some((execution) => execution.outcome !== "ready") ? "failed" : "done", plans, by, results, untouched };
  } finally {
    await release();
  }
}
function restartFailureSummary(results, untouched) {
  const failed = results.find((execution) => execution.outcome !== "ready");
  if (!failed) return null;
  return `${failed.node}: ${failed.message}.${untouched.length > 0 ? ` Stopped: ${untouched.join(", ")} left as ${untouched.length === 1 ? "it was" : "they were"}.` : ""}`;
}

// src/cli/render/restart-result-text.ts
function renderRestartResultText(execution, nowMs) {
  const ok = execution.outcome === "ready";
  const restart = execution.restart;
  const lines = [`Restart ${execution.node} \xB7 ${ok ? "done" : "FAILED"}: ${scrub(execution.message)}`];
  lines.push(`  timings: ${restartTimings(execution).join(" \xB7 ")}`);
  if (restart) {
    const copies = foldOAuthCopies(restart.profiles);
    lines.push("  token health after:");
    for (const { profile, agents } of copies) {
      lines.push(`    ${profile.health === "expired" || profile.health === "invalid" ? "BAD" : "ok "} ${profile.profileId} (${agents.join(", ")}) \xB7 ${profile.health} \xB7 ${expiry(profile.expiresAt, nowMs)}`);
    }
    if (copies.length === 0) lines.push("    no OAuth profiles");
    if (restart.outcome === "command_failed" && restart.command.outputTail.length > 0) {
      lines.push("  last lines of the restart command:", ...restart.command.outputTail.map((line) => `    | ${scrub(line)}`));
    }
  }
  return lines.join("\n");
}

// src/cli/type-back-confirmation.ts
import readline from "node:readline";
function askToTypeBack(io, question, expected, timeoutMs) {
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: Boolean(io.stdin.isTTY) });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer, newline = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (newline) io.stderr.write("\n");
      rl.close();
      resolve(answer);
    };
    const timer = setTimeout(() => finish("expired", true), timeoutMs);
    rl.on("SIGINT", () => finish("closed", true));
    rl.on("close", () => finish("closed", true));
    rl.question(question, (answer) => finish(answer.trim() === expected ? "confirmed" : "mismatch"));
  });
}

// src/cli/commands/restart.ts
var options2 = {
  force: { type: "boolean" },
  "raise-capacity": { type: "boolean" },
  margin: { type: "string" },
  yes: { type: "boolean" },
  "force-noninteractive": { type: "boolean" }
};
function result(target, force, plans, outcome, text, extra = {}) {
  return {
    json: { ok: outcome === "done", command: "restart", target, force, outcome, confirmedBy: null, plans: plans.map(planToJson), results: [], untouched: [], ...extra },
    text
  };
}
async function confirm(context, target, nodes) {
  const timeoutMs = context.env.CONFIRM_TIMEOUT;
  const what = nodes.length > 1 ? `a rolling restart of ${nodes.join(", ")}, one at a time` : `the restart of ${target}`;
  const answer = await askToTypeBack(context.io, `Type "${target}" to run ${what} (anything else cancels; expires in ${formatDuration(timeoutMs)}): `, target, timeoutMs);
  if (answer === "confirmed") return "confirmed";
  return answer === "expired" ? "expired" : "cancelled";
}
var restartCommand = {
  name: "restart",
  summary: "restart a gateway safely: the plan, the node's name typed back, verified",
  help: `usage: tokenops restart <node|all> [--force] [--raise-capacity] [--margin <duration>] [--json]
       tokenops restart <node|all> --yes --force-noninteractive [...]

Shows the plan (as \`tokenops preflight\`), then asks for the node's name (or "all") to be
typed back on the terminal; only that runs it. Then: the fixes (syncs, refreshes on the
owner), a check that the tokens now stay valid, the capacity raise if asked, the restart
through the agent, the wait for /readyz and the token health after. \`all\` restarts one
node at a time and stops at the first that does not come back ready. Audited.

  --force                  restart even when the token check says no-go (the risk is audited)
  --raise-capacity         raise maxConcurrent to the suggested value first
  --margin <duration>      how long tokens must stay valid after the restart (default 30m)
  --yes --force-noninteractive
                           for scripts: no question (both flags, or neither)

Without a terminal on stdin, and without those two flags, it refuses (exit 2).

exit 0  every node restarted and ready
exit 1  no-go, cancelled (wrong name), expired, a node did not answer, or a restart failed
exit 2  unknown node or option, --yes without --force-noninteractive, or no terminal`,
  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: options2, required: ["node|all"] });
    const [target = ""] = positionals;
    const force = values.force ?? false;
    const unattended = values.yes === true && values["force-noninteractive"] === true;
    if (values.yes && !unattended) throw new UsageError("--yes is accepted only together with --force-noninteractive (for scripts); at a terminal, type the node's name when asked");
    if (values["force-noninteractive"] && !unattended) throw new UsageError("--force-noninteractive goes with --yes");
    if (!unattended && !context.io.stdin.isTTY) {
      throw new UsageError("restart asks for the node's name to be typed back, and stdin is not a terminal: nothing was done. Run it from a terminal, or in a script pass --yes --force-noninteractive");
    }
    const marginMs = margin(values.margin);
    const fleet = context.fleetClient();
    const nodes = nodeOrAll(fleet, target, true);
    const operations = await context.operations();
    const nowMs = context.nowMs();
    const showPlans = (plans2) => context.show(`${plans2.map((plan) => renderRestartPlanText(plan, nowMs)).join("\n\n")}

`);
    const done = await confirmedRestart(
      { ...operations, fleetClient: fleet },
      { target, nodes, force, raiseCapacity: values["raise-capacity"] ?? false, ...marginMs ? { marginMs } : {}, actor: context.actor },
      {
        showNoGo: async (plans2) => showPlans(plans2),
        // A person confirms what they read: the plan is shown before the question (stderr under --json).
        offer: async (plans2) => {
          if (!(unattended && context.json)) showPlans(plans2);
          return void 0;
        },
        answer: async () => {
          if (unattended) return { result: "confirmed", by: context.actor, how: "unattended: --yes --force-noninteractive" };
          const answer = await confirm(context, target, nodes);
          return answer === "confirmed" ? { result: "confirmed", by: context.actor, how: "typed the name back" } : answer === "cancelled" ? { result: "cancelled", by: context.actor } : { result: "expired" };
        },
        progress: async (node, index, step) => context.progress(`${nodes.length > 1 ? `[${index + 1}/${nodes.length}] ` : ""}${node}: ${step}`)
      }
    );
    const { plans } = done;
    switch (done.outcome) {
      case "no_go":
        return result(target, force, plans, "no_go", `No-go for ${noGoPlans(plans).map((plan) => plan.node).join(", ")}: nothing to confirm. Nothing was done.`);
      case "expired":
        return result(target, force, plans, "expired", `Expired: no answer within ${formatDuration(context.env.CONFIRM_TIMEOUT)}. Nothing was done.`);
      case "cancelled":
        return result(target, force, plans, "cancelled", `Cancelled: "${target}" was not typed back. Nothing was done.`);
      default: {
        const failure = restartFailureSummary(done.results, done.untouched);
        const summary2 = failure ? `FAILED: ${failure}` : `Done: ${done.results.map((execution) => `${execution.node} ready`).join(", ")}.`;
        const text = [...done.results.map((execution) => renderRestartResultText(execution, context.nowMs())), summary2].join("\n\n");
        return result(target, force, plans, done.outcome, text, { confirmedBy: unattended ? "flags" : "typed_name", results: done.results.map(restartResultToJson), untouched: done.untouched });
      }
    }
  }
};

// src/cli/render/severity-label.ts
var SEVERITY_LABEL = {
  ok: "ok",
  missing: "MISSING",
  expiring: "EXPIRING",
  expired: "EXPIRED",
  invalid: "INVALID",
  unreachable: "UNREACHABLE"
};
var LABEL_WIDTH = Math.max(...Object.values(SEVERITY_LABEL).map((label) => label.length));

// src/cli/render/status-text.ts
function profileLine(cell, idWidth, nowMs) {
  const parts = [];
  if (cell.health === "missing") parts.push("missing here (other nodes hold it)");
  else if (cell.health === "invalid") parts.push(`malformed${cell.reason ? `: ${scrub(cell.reason)}` : ""}`);
  else parts.push(expiry(cell.expiresAt, nowMs));
  if (cell.isOwner) parts.push("owner");
  if (cell.tokenTag) parts.push(`token ${cell.tokenTag}`);
  if (cell.agents.length > 1) parts.push(`${cell.agents.length} agents (${cell.agents.join(", ")})`);
  if (cell.divergesFromOwner) parts.push(`NOT the owner's token (owner ${cell.owner})`);
  if (cell.agentsDisagree) parts.push("agents hold different tokens");
  if (cell.refreshError) parts.push(`last refresh failed for good (${scrub(cell.refreshError)}): needs a new login`);
  const renewal = renewalText(cell, nowMs);
  if (renewal) parts.push(renewal);
  return `  ${SEVERITY_LABEL[cell.health].padEnd(LABEL_WIDTH)}  ${cell.profileId.padEnd(idWidth)}  ${parts.join(" \xB7 ")}`;
}
function renewalText(cell, nowMs) {
  const renewal = cell.renewal;
  if (!renewal) return null;
  const who = renewal.node ? ` on ${renewal.node}${renewal.standIn ? " (stand-in)" : ""}` : "";
  const when2 = renewal.atMs !== null ? ` ${renewal.atMs <= nowMs ? "now" : `at ${utcMinute(renewal.atMs)}`}` : "";
  switch (renewal.state) {
    case "scheduled":
      return `renews${when2}${who}`;
    case "retrying":
      return `RENEWAL FAILING (${scrub(renewal.lastError ?? "error")}), again${when2}${who}`;
    case "failed":
      return `RENEWAL FAILED FOR GOOD${who}: log in again`;
    case "waiting":
      return `renewal waits${renewal.reason ? `: ${scrub(renewal.reason).replace(/<t:(\d+):R>/g, (_2, seconds) => utcMinute(Number(seconds) * 1e3))}` : ""}`;
    case "off":
      return null;
  }
}
function nodeLines(node, nowMs) {
  if (!node.reachable) return [`${node.name}  ${SEVERITY_LABEL.unreachable} \xB7 ${node.error?.kind ?? "no answer"}: ${scrub(node.error?.message ?? "no answer")}`];
  const gateway = node.gateway?.ready ? "gateway ready" : node.gateway?.reachable ? "gateway NOT ready" : "gateway unreachable";
  const capacity = node.capacity ? ` \xB7 ${node.capacity.agentCount} agent${node.capacity.agentCount === 1 ? "" : "s"} / maxConcurrent ${node.capacity.maxConcurrent}` : "";
  const lines = [`${node.name}  ${SEVERITY_LABEL[node.worst]} \xB7 ${gateway}${capacity}`];
  for (const store of node.unreadableStores) lines.push(`  ${SEVERITY_LABEL.invalid.padEnd(LABEL_WIDTH)}  store of agent ${store.agentId} unreadable: ${scrub(store.reason)}`);
  const idWidth = Math.max(0, ...node.profiles.map((cell) => cell.profileId.length));
  lines.push(...node.profiles.map((cell) => profileLine(cell, idWidth, nowMs)));
  if (node.profiles.length === 0 && node.unreadableStores.length === 0) lines.push("  no credential stores found");
  return lines;
}
function summary(view) {
  const reachable = view.nodes.filter((node) => node.reachable);
  const ready = reachable.filter((node) => node.gateway?.ready).length;
  const parts = [`${view.nodes.length} node${view.nodes.length === 1 ? "" : "s"}`, `${ready} gateway${ready === 1 ? "" : "s"} ready`];
  for (const severity of ["expired", "invalid", "expiring", "missing", "unreachable"]) {
    if (view.counts[severity] > 0) parts.push(`${view.counts[severity]} ${severity}`);
  }
  return `Fleet token status: ${parts.join(" \xB7 ")} (checked ${utcMinute(Date.parse(view.checkedAt))})`;
}
function renderStatusText(view, nowMs) {
  const nodes = [...view.nodes].sort((a, b2) => nodeUrgency(b2) - nodeUrgency(a) || a.name.localeCompare(b2.name));
  const lines = [summary(view), ""];
  for (const node of nodes) lines.push(...nodeLines(node, nowMs));
  if (view.nodes.some((node) => node.profiles.some((cell) => cell.tokenTag || cell.isOwner))) {
    lines.push("", "owner: the node that refreshes the account \xB7 token A/B: same letter = same token");
  }
  return lines.join("\n");
}

// src/cli/commands/status.ts
function failedChecks(view) {
  const failures = [];
  for (const node of view.nodes) {
    if (!node.reachable) {
      failures.push(`${node.name}: the agent did not answer (${node.error?.kind ?? "no answer"})`);
      continue;
    }
    if (!node.gateway?.ready) failures.push(`${node.name}: gateway ${node.gateway?.reachable ? "not ready" : "unreachable"}`);
    for (const store of node.unreadableStores) failures.push(`${node.name}: store of agent ${store.agentId} unreadable`);
    for (const cell of node.profiles) {
      if (cell.health === "expired" || cell.health === "invalid") failures.push(`${node.name}: ${cell.profileId} ${cell.health === "expired" ? "expired" : "malformed"}`);
    }
  }
  return failures;
}
var statusCommand = {
  name: "status",
  summary: "token health on every node (or one), gateways and capacity",
  help: `usage: tokenops status [<node>] [--json]

Asks every node's agent at once and shows each node (worst first) with its profiles:
health and expiry, the owner, token letters (same letter on two nodes = same token) and
tokens that differ from the owner's. With <node>, only that node is shown (the others are
still asked, to compare tokens).

exit 0  every node answered, every gateway is ready, no token expired or malformed
exit 1  a check failed (listed at the end, and in "failures" under --json)
exit 2  unknown node, or bad settings`,
  async run(argv, context) {
    const { positionals } = parseArguments(argv, { options: {}, optional: ["node"] });
    const node = positionals[0];
    const nowMs = context.nowMs();
    const renewals = await context.renewalMemory();
    const view = await fleetStatusView(context.fleetClient(), { ...node ? { node } : {}, nowMs, ...renewals ? { renewals } : {} });
    const failures = failedChecks(view);
    const json = { ok: failures.length === 0, command: "status", ...statusToJson(view, failures) };
    const verdict = failures.length === 0 ? "All checks passed." : `${failures.length} check${failures.length === 1 ? "" : "s"} failed:
${failures.map((failure) => `  - ${failure}`).join("\n")}`;
    return { json, text: `${renderStatusText(view, nowMs)}

${verdict}` };
  }
};

// src/fleet/operations/audited-sync.ts
async function auditedSync(context, actor, command) {
  const target = syncTarget(command);
  try {
    const report = await syncTokens(context.fleetClient, context.locks, { ...command, authority: "named", by: actor.name, ...context.journal ? { journalled: { journal: context.journal, actor } } : {} });
    await context.audit.record({ actor, action: command.dryRun ? AUDIT_ACTIONS.syncDryRun : AUDIT_ACTIONS.sync, target, outcome: syncOutcome(report), detail: summarizeSync(report) });
    return report;
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.sync, target, outcome: "refused", detail: error.message });
    throw error;
  }
}

// src/cli/commands/sync.ts
var syncCommand = {
  name: "sync",
  summary: "copy valid credentials from one node to another, or to all",
  help: `usage: tokenops sync <from> <to|all> [--profile <id>]... [--dry-run] [--json]

Copies the credentials <from> holds (only valid ones) into every agent store on <to> that
holds the same profile; newer wins, so a target never gets an older token. Each target
takes OpenClaw's lock, keeps a backup and writes atomically. Audited.

  --profile <id>  only this profile (repeatable), e.g. anthropic:default
  --dry-run       show the per-profile plan, write nothing

exit 0  synced (or planned)
exit 1  refused (e.g. the source's tokens are expired), or a target failed
exit 2  unknown node or option`,
  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, {
      options: { profile: { type: "string", multiple: true }, "dry-run": { type: "boolean" } },
      required: ["from", "to"]
    });
    const [from = "", to = ""] = positionals;
    const profiles = profileIds(values.profile);
    const fleet = context.fleetClient();
    nodeOrAll(fleet, from, false);
    if (to === from) throw new UsageError(`<from> and <to> are the same node (${from}): nothing to copy`);
    const targets = nodeOrAll(fleet, to, true).filter((node) => node !== from);
    const nowMs = context.nowMs();
    let done = 0;
    if (targets.length > 1) context.progress(`sync ${from} \u2192 ${targets.length} nodes: exporting from ${from}\u2026`);
    const report = await auditedSync(await context.operations(), context.actor, {
      from,
      to,
      ...profiles ? { profiles } : {},
      dryRun: values["dry-run"] ?? false,
      // One line per target as it answers: a sync to many nodes takes a while.
      onTargetDone: (result2) => {
        if (targets.length < 2) return;
        done++;
        const what = result2.ok ? `${values["dry-run"] ? "would update" : "updated"} ${updatedProfiles(result2.value).join(", ") || "nothing"}` : `failed: ${plainMessage(result2.error.message, nowMs)}`;
        context.progress(`sync ${from} \u2192 ${result2.node}: ${what} (${done}/${targets.length})`);
      }
    });
    const outcome = syncOutcome(report);
    const json = { ok: outcome === "ok" || outcome === "planned", command: "sync", to, ...syncReportToJson(report) };
    return { json, text: renderSyncText(report, nowMs) };
  }
};

// src/cli/exit-code.ts
var EXIT = {
  ok: 0,
  /** A check failed (a token expired, a node unreachable) or an operation was refused or failed. */
  checkFailed: 1,
  /** The command line or the settings are wrong: unknown subcommand, flag or node, a bad value. */
  usage: 2
};

// src/cli/render/refusal-text.ts
function refusalText(error, nowMs) {
  const refusal = error.refusal;
  switch (refusal?.kind) {
    case "not_owner":
      return `${refusal.node} does not own ${refusal.profileId}: only ${refusal.owner} refreshes it (the owner), ${refusal.node} receives it by sync. Use: tokenops refresh ${refusal.owner} --profile ${refusal.profileId}`;
    case "nothing_to_sync": {
      const why = refusal.skipped.length > 0 ? refusal.skipped.map((skip) => `${skip.profileId}: ${skip.reason}`).join("; ") : `${refusal.source} holds no credentials to sync`;
      return plainMessage(`nothing to sync from ${refusal.source}: ${why}. Refresh on the owner first (tokenops refresh <owner>).`, nowMs);
    }
    default:
      return plainMessage(error.message, nowMs);
  }
}

// src/cli/failure.ts
function describeFailure(command, error, nowMs) {
  const prefix = `tokenops${command ? ` ${command}` : ""}`;
  const fail2 = (exitCode, kind, message, extra = {}) => ({
    exitCode,
    json: { ok: false, command, error: { kind, message, ...extra.code ? { code: extra.code } : {} } },
    lines: extra.lines ?? [`${prefix}: ${message}`]
  });
  if (error instanceof UsageError) {
    return fail2(EXIT.usage, "usage", error.message, { lines: [`${prefix}: ${error.message}`, `(see: ${prefix} --help)`] });
  }
  if (error instanceof UnknownNodeError) return fail2(EXIT.usage, "usage", error.message);
  if (error instanceof ConfigError) return fail2(EXIT.usage, "config", error.message, { lines: error.problems.map((problem) => `tokenops: ${problem}`) });
  if (error instanceof OperationRefusedError) return fail2(EXIT.checkFailed, "refused", refusalText(error, nowMs), error.refusal ? { code: error.refusal.kind } : {});
  if (error instanceof AgentCallError) return fail2(EXIT.checkFailed, error.kind, scrub(error.message), error.code ? { code: error.code } : {});
  return fail2(EXIT.checkFailed, "internal", `failed: ${scrub(error?.message ?? String(error))}`);
}

// src/cli/main.ts
var COMMANDS = [statusCommand, syncCommand, refreshCommand, preflightCommand, restartCommand, capacityCommand, auditCommand, keygenCommand];
function overview() {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `usage: tokenops <command> [arguments] [--json]

${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join("\n")}

Every command takes --json (one JSON document on stdout) and --help. Progress goes to stderr.
Exit codes: 0 ok, 1 a check failed or an operation was refused or failed, 2 usage error.
Settings as for the bot (environment or ./.env): TOKENOPS_FLEET (fleet file, ./fleet.json),
the node keys it names, TOKENOPS_STATE (audit log), CONFIRM_TIMEOUT, TOKENOPS_NODE_TIMEOUT,
TOKENOPS_FANOUT. No Discord setting is needed.
`;
}
function flagsOf(argv) {
  const end = argv.indexOf("--");
  return end < 0 ? argv : argv.slice(0, end);
}
var GLOBAL_FLAGS = ["--json", "--help", "-h"];
async function runCli(argv, io) {
  const flags = flagsOf(argv);
  const json = flags.includes("--json");
  const help = flags.includes("--help") || flags.includes("-h");
  let at = 0;
  while (at < argv.length && GLOBAL_FLAGS.includes(argv[at])) at++;
  const name = argv[at];
  const command = COMMANDS.find((candidate) => candidate.name === name);
  const context = new CliContext(io, json);
  try {
    if (name === "help" || name === void 0 && help) {
      const topic = COMMANDS.find((candidate) => candidate.name === argv[at + 1]);
      io.stdout.write(topic ? `${topic.help}
` : overview());
      return EXIT.ok;
    }
    const names = COMMANDS.map((candidate) => candidate.name).join(", ");
    if (name === void 0) throw new UsageError(`missing the command: one of ${names}`);
    if (name.startsWith("-")) throw new UsageError(`${name} goes after the command (tokenops <command> ${name} \u2026)`);
    if (!command) throw new UsageError(`unknown command "${name}": one of ${names}`);
    if (help) {
      io.stdout.write(`${command.help}
`);
      return EXIT.ok;
    }
    const outcome = await command.run(argv.slice(at + 1), context);
    io.stdout.write(json ? `${JSON.stringify(outcome.json, null, 2)}
` : `${outcome.text}
`);
    return outcome.json.ok ? EXIT.ok : EXIT.checkFailed;
  } catch (error) {
    const failure = describeFailure(command?.name ?? null, error, context.nowMs());
    if (json) io.stdout.write(`${JSON.stringify(failure.json, null, 2)}
`);
    io.stderr.write(`${failure.lines.join("\n")}
`);
    return failure.exitCode;
  } finally {
    await context.close();
  }
}
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
});
loadDotEnv();
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
export {
  runCli
};
