// `coord-operator-silent`: to the coordinators, encrypted (guideline §4; src/rules/website-notices.ts):
// The operator stayed silent through the reminders.
import { websiteCoordAlert } from './website.ts';

export default websiteCoordAlert('coord-operator-silent');
