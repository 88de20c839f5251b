/** How an environment is deployed; decides the export format. */
export type DeploymentMode = 'app-platform' | 'droplet' | 'kubernetes';

export interface SecretsEnvironment {
  name: string;
  deployment: DeploymentMode;
  /** Kubernetes namespace, App Platform app name, or Droplet host group: used in exports. */
  target: string;
  /** Production environments: reveal, write and destroy need the admin group. */
  production: boolean;
}

/** Metadata of one version; never the value. */
export interface SecretMetadata {
  entityRef: string;
  environment: string;
  name: string;
  version: number;
  createdBy: string;
  createdAt: string;
  description?: string;
  /** Rotate-by / expiry date. */
  rotateBy?: string;
  /** Set when the secret is soft-deleted (restorable). */
  deletedAt?: string;
}

/** What the caller may do in one environment of the entity. */
export interface ScopeAccess {
  list: boolean;
  reveal: boolean;
  write: boolean;
  delete: boolean;
  destroy: boolean;
}

export interface SecretsMatrix {
  entityRef: string;
  environments: Array<SecretsEnvironment & { access: ScopeAccess }>;
  /** Live and soft-deleted secrets of the environments the caller may list. */
  secrets: SecretMetadata[];
  /** Names present in some listed environment but missing in others: name → missing environments. */
  missing: Record<string, string[]>;
}

export type AuditAction =
  | 'reveal'
  | 'export'
  | 'write'
  | 'rollback'
  | 'delete'
  | 'restore'
  | 'destroy'
  | 'rewrap';

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  entityRef?: string;
  environment?: string;
  name?: string;
  version?: number;
  /** Where the request came from: portal UI or API, user or machine token, and the client address. */
  source: string;
  /** `denied`: the caller asked for it and was refused (reveals and exports); `detail` says why. */
  outcome: AuditOutcome;
  detail?: string;
}

export type AuditOutcome = 'allowed' | 'denied';

export interface KeyUsage {
  id: string;
  active: boolean;
  /** Secret versions whose data key this key wraps. */
  records: number;
}

/** Export formats, each named after the program that reads the file. */
export type ExportFormat = 'systemd' | 'docker-env-file' | 'shell' | 'dotenv' | 'kubernetes' | 'app-platform';

export const EXPORT_FORMATS: ExportFormat[] = ['systemd', 'docker-env-file', 'shell', 'dotenv', 'kubernetes', 'app-platform'];

export function isExportFormat(value: unknown): value is ExportFormat {
  return EXPORT_FORMATS.includes(value as ExportFormat);
}

/** What the UI says about each format: its name and where the file goes. */
export const EXPORT_FORMAT_INFO: Record<ExportFormat, { label: string; where: string }> = {
  systemd: { label: 'systemd EnvironmentFile', where: 'EnvironmentFile=/etc/<service>.env in the service unit (Droplets)' },
  'docker-env-file': { label: 'Docker env file', where: 'docker run --env-file FILE, or env_file with format: raw in Compose' },
  shell: { label: 'POSIX shell', where: 'set -a; . ./FILE; set +a in sh, dash or bash before starting the app' },
  dotenv: { label: '.env for dotenv', where: ".env in the app's folder, read by the dotenv npm package or python-dotenv" },
  kubernetes: { label: 'Kubernetes Secret', where: 'kubectl apply --server-side -f FILE, then envFrom: secretRef in the Deployment' },
  'app-platform': { label: 'App Platform envs', where: 'the envs: of the App Platform app spec (doctl apps update --spec)' },
};

export const EXPORT_FORMAT_BY_DEPLOYMENT: Record<DeploymentMode, ExportFormat> = {
  droplet: 'systemd',
  kubernetes: 'kubernetes',
  'app-platform': 'app-platform',
};
