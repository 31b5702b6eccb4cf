// `coord-confirm-operator`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// A lookup proposed operator(s): a coordinator confirms one (X-CONFIRM-OPERATOR).
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-confirm-operator');
