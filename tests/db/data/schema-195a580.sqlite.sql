-- The schema repofolio 195a580 (the last release without migrations) made on sqlite: the statements its
-- create_all sent, recorded from a live sqlite server. Frozen: never regenerate from today's models.
CREATE TABLE sync_run (
	id INTEGER NOT NULL, 
	"trigger" VARCHAR(20) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	github_requests INTEGER NOT NULL, 
	not_modified INTEGER NOT NULL, 
	rate_limit_remaining INTEGER, 
	repositories_added INTEGER NOT NULL, 
	repositories_updated INTEGER NOT NULL, 
	repositories_removed INTEGER NOT NULL, 
	repositories_unchanged INTEGER NOT NULL, 
	error TEXT, 
	CONSTRAINT pk_sync_run PRIMARY KEY (id)
)
;
CREATE INDEX ix_sync_run_status_started ON sync_run (status, started_at)
;
CREATE TABLE cached_response (
	url VARCHAR(1000) NOT NULL, 
	etag VARCHAR(200), 
	body TEXT NOT NULL, 
	next_url VARCHAR(1000), 
	status INTEGER NOT NULL, 
	fetched_at DATETIME NOT NULL, 
	CONSTRAINT pk_cached_response PRIMARY KEY (url)
)
;
CREATE TABLE sync_lease (
	fire_time DATETIME NOT NULL, 
	holder VARCHAR(200) NOT NULL, 
	acquired_at DATETIME NOT NULL, 
	CONSTRAINT pk_sync_lease PRIMARY KEY (fire_time)
)
;
CREATE TABLE meta (
	"key" VARCHAR(100) NOT NULL, 
	value BIGINT NOT NULL, 
	CONSTRAINT pk_meta PRIMARY KEY ("key")
)
;
CREATE TABLE contributor (
	id BIGINT NOT NULL, 
	node_id VARCHAR(100), 
	login VARCHAR(100) NOT NULL, 
	login_key VARCHAR(100) NOT NULL, 
	type VARCHAR(20) NOT NULL, 
	avatar_url VARCHAR(500) NOT NULL, 
	html_url VARCHAR(500) NOT NULL, 
	is_owner BOOLEAN NOT NULL, 
	name VARCHAR(255), 
	bio TEXT, 
	description TEXT, 
	company VARCHAR(255), 
	location VARCHAR(255), 
	email VARCHAR(255), 
	blog VARCHAR(500), 
	twitter_username VARCHAR(100), 
	created_at DATETIME, 
	updated_at DATETIME, 
	CONSTRAINT pk_contributor PRIMARY KEY (id), 
	CONSTRAINT uq_contributor_node_id UNIQUE (node_id), 
	CONSTRAINT uq_contributor_login_key UNIQUE (login_key)
)
;
CREATE TABLE language (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	color VARCHAR(7), 
	CONSTRAINT pk_language PRIMARY KEY (id), 
	CONSTRAINT uq_language_name UNIQUE (name)
)
;
CREATE TABLE showcase (
	"key" VARCHAR(200) NOT NULL, 
	owner VARCHAR(100) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	featured BOOLEAN NOT NULL, 
	hidden BOOLEAN NOT NULL, 
	position INTEGER, 
	summary TEXT, 
	demo_url VARCHAR(2000), 
	image_url VARCHAR(2000), 
	video_url VARCHAR(2000), 
	updated_at DATETIME, 
	CONSTRAINT pk_showcase PRIMARY KEY ("key")
)
;
CREATE TABLE repository (
	id BIGINT NOT NULL, 
	node_id VARCHAR(100) NOT NULL, 
	owner_id BIGINT NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	full_name VARCHAR(200) NOT NULL, 
	full_name_key VARCHAR(200) NOT NULL, 
	description TEXT, 
	homepage VARCHAR(500), 
	html_url VARCHAR(500) NOT NULL, 
	is_fork BOOLEAN NOT NULL, 
	is_archived BOOLEAN NOT NULL, 
	is_template BOOLEAN NOT NULL, 
	has_issues BOOLEAN NOT NULL, 
	visibility VARCHAR(20) NOT NULL, 
	stargazers_count INTEGER NOT NULL, 
	forks_count INTEGER NOT NULL, 
	disk_usage INTEGER, 
	default_branch VARCHAR(255), 
	primary_language_id INTEGER, 
	license JSON, 
	topics JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	pushed_at DATETIME, 
	synced_at DATETIME, 
	CONSTRAINT pk_repository PRIMARY KEY (id), 
	CONSTRAINT uq_repository_node_id UNIQUE (node_id), 
	CONSTRAINT fk_repository_owner_id_contributor FOREIGN KEY(owner_id) REFERENCES contributor (id) ON DELETE CASCADE, 
	CONSTRAINT uq_repository_full_name_key UNIQUE (full_name_key), 
	CONSTRAINT fk_repository_primary_language_id_language FOREIGN KEY(primary_language_id) REFERENCES language (id) ON DELETE SET NULL
)
;
CREATE INDEX ix_repository_pushed_at ON repository (pushed_at)
;
CREATE INDEX ix_repository_owner_pushed ON repository (owner_id, pushed_at)
;
CREATE INDEX ix_repository_primary_language_id ON repository (primary_language_id)
;
CREATE TABLE repository_language (
	repository_id BIGINT NOT NULL, 
	language_id INTEGER NOT NULL, 
	bytes BIGINT NOT NULL, 
	CONSTRAINT pk_repository_language PRIMARY KEY (repository_id, language_id), 
	CONSTRAINT fk_repository_language_repository_id_repository FOREIGN KEY(repository_id) REFERENCES repository (id) ON DELETE CASCADE, 
	CONSTRAINT fk_repository_language_language_id_language FOREIGN KEY(language_id) REFERENCES language (id) ON DELETE CASCADE
)
;
CREATE INDEX ix_repository_language_language_id ON repository_language (language_id)
;
CREATE TABLE repository_contributor (
	repository_id BIGINT NOT NULL, 
	contributor_id BIGINT NOT NULL, 
	contributions INTEGER NOT NULL, 
	CONSTRAINT pk_repository_contributor PRIMARY KEY (repository_id, contributor_id), 
	CONSTRAINT fk_repository_contributor_repository_id_repository FOREIGN KEY(repository_id) REFERENCES repository (id) ON DELETE CASCADE, 
	CONSTRAINT fk_repository_contributor_contributor_id_contributor FOREIGN KEY(contributor_id) REFERENCES contributor (id) ON DELETE CASCADE
)
;
CREATE INDEX ix_repository_contributor_contributor_id ON repository_contributor (contributor_id)
;
