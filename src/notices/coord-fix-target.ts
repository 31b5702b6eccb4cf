// `coord-fix-target`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// The fix target (起算日 + 90 days) came with no fix reported.
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-fix-target');
