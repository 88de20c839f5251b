/** The CI status plugin's "CI" section for StackTalk reports (a module of `reports`). */
export { ciStatusReportSectionModule as default } from './reportSection';
