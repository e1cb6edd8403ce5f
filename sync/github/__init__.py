"""The GitHub REST client the sync reads through: typed reads, the HTTP transport, rate-limit accounting."""
