// `operator-key-reminder`: the n-th reminder to an operator asked for a key that gave none:
// content-free in clear, like the first contact (key-request.ts).
import { keyRequestNotice } from './key-request.ts';

export default keyRequestNotice('operator-key-reminder', false);
