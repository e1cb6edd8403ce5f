// The one query the page sends, built from fragments on the abstract types the page reads.
import { gql } from '@apollo/client/core'

// Who the site is about. `RepositoryOwner` is an interface: the cache matches this fragment against
// `User` only because possibleTypes says User implements it.
// Profile fields of issue 12 (followers, organizations, status, the contribution calendar) go in this
// fragment's `... on User` and in components/ProfileHeader.vue's marked place once repofolio serves them.
export const OWNER_FIELDS = gql`
  fragment OwnerFields on RepositoryOwner {
    login
    url
    avatarUrl(size: 192)
    ... on User {
      name
      bio
      company
      location
      websiteUrl
      twitterUsername
      createdAt
    }
    ... on Organization {
      name
      description
      websiteUrl
    }
  }
`

export const REPOSITORY_FIELDS = gql`
  fragment RepositoryFields on Repository {
    id
    name
    nameWithOwner
    description
    url
    homepageUrl
    stargazerCount
    forkCount
    isArchived
    pushedAt
    licenseInfo {
      id
      spdxId
    }
    languages(first: 6, orderBy: { field: SIZE, direction: DESC }) {
      totalSize
      edges {
        size
        node {
          id
          name
          color
        }
      }
    }
    repositoryTopics(first: 6) {
      nodes {
        id
        topic {
          id
          name
        }
      }
    }
    contributors(first: 5, orderBy: { field: CONTRIBUTIONS, direction: DESC }) {
      totalCount
      nodes {
        id
        login
        url
        avatarUrl(size: 48)
      }
    }
  }
`

// `PinnableItem` is a union (today of Repository alone, on GitHub also Gist): again possibleTypes.
export const PINNED_FIELDS = gql`
  fragment PinnedFields on PinnableItem {
    ... on Repository {
      ...RepositoryFields
      showcase {
        summary
        demoUrl
      }
    }
  }
  ${REPOSITORY_FIELDS}
`

export const PORTFOLIO = gql`
  query Portfolio($repositories: Int!) {
    viewer {
      ...OwnerFields
      pinnedItems(first: 6) {
        totalCount
        nodes {
          ...PinnedFields
        }
      }
    }
    repositories(first: $repositories, isFork: false, orderBy: { field: PUSHED_AT, direction: DESC }) {
      totalCount
      nodes {
        ...RepositoryFields
      }
    }
  }
  ${OWNER_FIELDS}
  ${PINNED_FIELDS}
`
