// `coord-operator-no-key`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// The operator has no key: a content-free first contact went; a key is needed.
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-operator-no-key');
