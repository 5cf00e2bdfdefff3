/** The Prometheus rule file format (prometheus.io/docs/prometheus/latest/configuration/recording_rules). */
export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

export interface RulesOptions {
  /**
   * Extra label matchers put in every selector, e.g. `job="keel"`: the OTel metric name
   * http_server_request_duration_seconds may also be exported by other services.
   */
  selector: string;
}
