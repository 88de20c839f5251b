/** The Excel-DNA plugin's "Excel add-in release" section for StackTalk reports (a module of `reports`). */
export { exceldnaReportSectionModule as default } from './reportSection';
