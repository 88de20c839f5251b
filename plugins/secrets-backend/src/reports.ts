/** The secrets plugin's "Secrets hygiene" section for StackTalk reports (a module of `reports`). */
export { secretsReportSectionModule as default } from './reportSection';
