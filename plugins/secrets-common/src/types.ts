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

export type ExportFormat = 'dotenv' | 'kubernetes' | 'app-platform';

export const EXPORT_FORMATS: ExportFormat[] = ['dotenv', 'kubernetes', 'app-platform'];

export function isExportFormat(value: unknown): value is ExportFormat {
  return EXPORT_FORMATS.includes(value as ExportFormat);
}

export const EXPORT_FORMAT_BY_DEPLOYMENT: Record<DeploymentMode, ExportFormat> = {
  droplet: 'dotenv',
  kubernetes: 'kubernetes',
  'app-platform': 'app-platform',
};
