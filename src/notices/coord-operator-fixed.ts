// `coord-operator-fixed`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// The operator reported the fix; the reporter was told and the case closed.
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-operator-fixed');
