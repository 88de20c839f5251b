export interface Config {
  portalStatus?: {
    /**
     * Executables probed for each optional feature. Defaults: `mkdocs` on PATH for TechDocs,
     * `/usr/bin/chromium` (or `chromium` on PATH) for Chromium.
     * @visibility backend
     */
    probes?: {
      mkdocs?: string;
      chromium?: string;
    };
  };
}
