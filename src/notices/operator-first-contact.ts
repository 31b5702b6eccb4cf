// `operator-first-contact`: the operator has no pinned key (fail closed, issue 11): a
// content-free first contact in clear asking for a key. Nothing of the site or the
// vulnerability: the schema (key-request.ts) has no key that could carry it.
import { keyRequestNotice } from './key-request.ts';

export default keyRequestNotice('operator-first-contact', true);
