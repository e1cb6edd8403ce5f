// The starter's whole configuration: server-side rendering on, nothing fetched from third parties.
export default defineNuxtConfig({
  compatibilityDate: '2026-03-01',
  ssr: true,
  // Nuxt's telemetry is off here and with NUXT_TELEMETRY_DISABLED=1 (README): nothing leaves the machine.
  telemetry: false,
  devtools: { enabled: false },
  css: ['~/assets/main.css'],
  // Read at run time, not baked in at build: NUXT_GRAPHQL_ENDPOINT is where the server renders from (e.g. a
  // private address), NUXT_PUBLIC_GRAPHQL_ENDPOINT where visitors' browsers send queries; the first falls back
  // to the second when unset.
  runtimeConfig: {
    graphqlEndpoint: '',
    public: {
      graphqlEndpoint: 'http://127.0.0.1:8000/graphql',
    },
  },
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1' },
        { name: 'color-scheme', content: 'light dark' },
      ],
    },
  },
})
