/** The stream viewer's "Stream rates" section for StackTalk reports (a module of `reports`). */
export { streamRatesReportSectionModule as default } from './reportSection';
