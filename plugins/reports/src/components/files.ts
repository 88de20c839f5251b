import type { ReportJob } from '@stacktalk/plugin-reports-common';

export function fileName(job: ReportJob) {
  const name = job.entityRef.split('/').pop();
  return `${name}-${job.template}-${job.createdAt.slice(0, 10)}.pdf`;
}

export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
