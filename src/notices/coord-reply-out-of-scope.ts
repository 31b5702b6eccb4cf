// `coord-reply-out-of-scope`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// A signed operator reply the rules could not take (wrong operator, no details sent, case not open).
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-reply-out-of-scope');
