//! Written by hand: `diesel print-schema` emits backend-specific types, while
//! this one schema serves both SQLite and PostgreSQL.

diesel::table! {
    thematic_areas (code) {
        code -> Text,
        name -> Text,
        description -> Text,
        position -> Integer,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        token_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        deactivated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contributions (seq) {
        seq -> BigInt,
        id -> Text,
        channel -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        duplicate_of -> Nullable<Text>,
        thematic_area -> Text,
        title -> Text,
        body -> Text,
        author_kind -> Text,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        organization_name -> Nullable<Text>,
        email -> Nullable<Text>,
        quartiere -> Nullable<SmallInt>,
        contact_consent -> Bool,
        privacy_notice_accepted -> Bool,
        registered_by -> Nullable<Text>,
        received_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        personal_data_erased_at -> Nullable<Timestamp>,
        version -> BigInt,
        email_normalised -> Nullable<Text>,
        demo -> Bool,
        author_group -> Nullable<Text>,
        author_confirmed_at -> Nullable<Timestamp>,
        confirmation_token_hash -> Nullable<Text>,
        /// Search terms (`domain::search`), NULL until filled for rows
        /// stored before full-text search. PostgreSQL's generated
        /// `search_vector` is left out: only raw SQL reads it.
        search_title -> Nullable<Text>,
        search_body -> Nullable<Text>,
        search_author -> Nullable<Text>,
    }
}

diesel::table! {
    /// SQLite only: the FTS5 index of the search terms (rowid = seq).
    contributions_fts (rowid) {
        rowid -> BigInt,
    }
}

diesel::table! {
    tags (name) {
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contribution_tags (contribution_id, tag) {
        contribution_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    contribution_meetings (contribution_id) {
        contribution_id -> Text,
        name -> Text,
        held_on -> Date,
        quartiere -> Nullable<SmallInt>,
    }
}

diesel::table! {
    notes (id) {
        id -> Text,
        contribution_id -> Text,
        author_id -> Text,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        actor -> Text,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        reason -> Nullable<Text>,
        details -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    outbox (seq) {
        seq -> BigInt,
        id -> Text,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        contribution_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        recipient_normalised -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (scope, key) {
        key -> Text,
        request_hash -> Text,
        contribution_id -> Text,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
        scope -> Text,
    }
}

diesel::table! {
    indicator_milestones (target) {
        target -> BigInt,
        reached_at -> Timestamp,
        demo -> Bool,
    }
}

diesel::table! {
    /// Running counts behind the indicator, each split over stripes summed
    /// when read (see `db::indicator_counters`).
    indicator_counters (dimension, value, stripe) {
        dimension -> Text,
        value -> Text,
        stripe -> SmallInt,
        tally -> BigInt,
    }
}

diesel::table! {
    /// The near-duplicate index (see `db::similarity_bands`).
    similarity_bands (band_key, contribution_seq) {
        band_key -> BigInt,
        contribution_seq -> BigInt,
    }
}

diesel::table! {
    claims (contribution_id) {
        contribution_id -> Text,
        staff_id -> Text,
        claimed_until -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    console_sessions (token_hash) {
        token_hash -> Text,
        staff_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_links (token_hash) {
        token_hash -> Text,
        staff_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    status_links (token_hash) {
        token_hash -> Text,
        contribution_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oidc_flows (state_hash) {
        state_hash -> Text,
        browser_hash -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next_path -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// PostgreSQL only: on SQLite the quota is kept in the process.
    submission_quotas (client) {
        client -> Text,
        full_at -> Timestamp,
    }
}

diesel::joinable!(contribution_tags -> tags (tag));
diesel::joinable!(notes -> staff (author_id));
diesel::joinable!(claims -> staff (staff_id));
diesel::joinable!(console_sessions -> staff (staff_id));
diesel::joinable!(sign_in_links -> staff (staff_id));
diesel::joinable!(contributions -> thematic_areas (thematic_area));

diesel::allow_tables_to_appear_in_same_query!(
    thematic_areas,
    staff,
    contributions,
    contributions_fts,
    tags,
    contribution_tags,
    contribution_meetings,
    notes,
    audit_events,
    outbox,
    idempotency_keys,
    status_links,
    indicator_milestones,
    indicator_counters,
    similarity_bands,
    settings,
    claims,
    console_sessions,
    sign_in_links,
    oidc_flows,
    submission_quotas,
);
