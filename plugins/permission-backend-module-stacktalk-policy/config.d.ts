export interface Config {
  permission?: {
    /** The StackTalk permission policy (plugins/permission-backend-module-stacktalk-policy). */
    stacktalk?: {
      /**
       * Group refs (e.g. `group:default/platform-admins`) whose direct members are portal
       * administrators: they may use the Kubernetes proxy (pod logs, events, and any call the
       * cluster's service account may make), register and delete catalog locations, and read
       * or delete every report and schedule (`reports.admin`). When unset, `secrets.adminGroups`
       * is used.
       * @visibility backend
       */
      adminGroups?: string[];
    };
  };
}
