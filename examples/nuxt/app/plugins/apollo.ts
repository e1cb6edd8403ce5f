// One Apollo client per server request (its cache goes to the browser in Nuxt's payload) and one in the browser.
import { ApolloClient, HttpLink, InMemoryCache, type NormalizedCacheObject } from '@apollo/client/core'
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries'
import { DefaultApolloClient } from '@vue/apollo-composable'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
// `repofolio possible-types` wrote it (npm run possible-types); a repofolio test checks it equals the schema's.
import possibleTypes from '~/graphql/possible-types.json'

export default defineNuxtPlugin((nuxtApp) => {
  const config = useRuntimeConfig()
  const uri = import.meta.server
    ? config.graphqlEndpoint || config.public.graphqlEndpoint
    : config.public.graphqlEndpoint

  // Without possibleTypes, fields selected through fragments on PinnableItem and RepositoryOwner are
  // silently dropped from the cache: empty cards, no error.
  const cache = new InMemoryCache({ possibleTypes })
  // Hashed GET requests (Apollo's automatic persisted queries): repofolio and any HTTP cache in front of it
  // can answer them; the document is sent once, on the first miss, still as a GET. A pure-JS SHA-256 because
  // crypto.subtle is missing on plain-http origins other than localhost.
  const persisted = createPersistedQueryLink({
    sha256: (document: string) => bytesToHex(sha256(utf8ToBytes(document))),
    useGETForHashedQueries: true,
  })
  const http = new HttpLink({ uri, useGETForQueries: true })
  const client = new ApolloClient({
    link: persisted.concat(http),
    cache,
    ssrMode: import.meta.server,
    ssrForceFetchDelay: import.meta.client ? 100 : undefined,
  })

  if (import.meta.server) {
    nuxtApp.hook('app:rendered', () => {
      nuxtApp.payload.data.apollo = cache.extract()
    })
  } else if (nuxtApp.payload.data.apollo) {
    cache.restore(nuxtApp.payload.data.apollo as NormalizedCacheObject)
  }

  nuxtApp.vueApp.provide(DefaultApolloClient, client)
})
