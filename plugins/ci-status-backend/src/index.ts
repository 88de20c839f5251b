/** CI status of catalog components from GitHub Actions, served by the backend (see README). */
export { ciStatusPlugin as default } from './plugin';
