// `coord-operator-not-vulnerable`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// The operator says the site is not vulnerable: a coordinator decides.
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-operator-not-vulnerable');
