// The kubeconfig file format (clientcmd/api/v1) as it appears in YAML.
import type { ExecConfig } from '../rest/exec-credentials.js';

/** A cluster entry. */
export interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  /** Do not request gzip-compressed responses. */
  'disable-compression'?: boolean;
}

/** A user (AuthInfo) entry. */
export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  exec?: ExecConfig;
  'auth-provider'?: { name: string; config?: Record<string, string> };
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
}

/** A context entry. */
export interface KubeconfigContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** A whole kubeconfig file, or several merged. */
export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Array<{ name: string; cluster: KubeconfigCluster }>;
  users?: Array<{ name: string; user: KubeconfigUser }>;
  contexts?: Array<{ name: string; context: KubeconfigContext }>;
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

/** Values that win over the kubeconfig (kubectl's flags). */
export interface ConfigOverrides {
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  /** Replaces the cluster's server and drops its tls-server-name; then no context or file is required. */
  server?: string;
  token?: string;
  /** true also drops the cluster's CA (client-go's --insecure-skip-tls-verify). */
  insecureSkipTlsVerify?: boolean;
}
