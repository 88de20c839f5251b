/** Excel-DNA add-in builds (GitHub artifacts and CI uploads, inspected and judged): /api/exceldna. */
export { exceldnaPlugin as default } from './plugin';
