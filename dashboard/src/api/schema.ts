/**
 * Generated from Fillbook's OpenAPI document (GET /openapi.json) by `npm run generate:api`.
 * Do not edit: change the zod schemas in src/server/schemas.ts and regenerate.
 * test/server/openapi.test.ts fails when this file differs from a fresh generation.
 */

export interface paths {
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dashboard sign-in with a password (sets the session cookie) */
        post: operations["signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out (clears the session cookie) */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in session and its CSRF token */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your accounts */
        get: operations["listAccounts"];
        put?: never;
        /** Create an account at a venue (the answer shows its webhook secret once) */
        post: operations["createAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your accounts, with its halt when fail_closed holds entries back */
        get: operations["getAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change observe_only or fail_closed of an account */
        patch: operations["updateAccount"];
        trace?: never;
    };
    "/v1/alert-sinks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your alert sinks (secrets shown as hints only) */
        get: operations["listAlertSinks"];
        put?: never;
        /** Add a sink: a signed webhook, a Slack incoming webhook or a Telegram chat */
        post: operations["createAlertSink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alert-sinks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a sink; its deliveries not yet made are dropped */
        delete: operations["deleteAlertSink"];
        options?: never;
        head?: never;
        /** Rename a sink, turn it on or off, or change the kinds it takes */
        patch: operations["updateAlertSink"];
        trace?: never;
    };
    "/v1/alert-sinks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test message to a sink now and say whether it arrived (nothing is queued) */
        post: operations["testAlertSink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts of your accounts, newest first, with each delivery's state */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert with the state of each delivery */
        get: operations["getAlert"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue the deliveries of an alert that gave up (failed) again, from the first attempt */
        post: operations["retryAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/fills.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export fills as CSV */
        get: operations["exportFillsCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/orders.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export orders as CSV */
        get: operations["exportOrdersCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exports/trades.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export trades as CSV */
        get: operations["exportTradesCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fees": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a fee the venue reported apart from its fill (exactly once by fee_id) */
        post: operations["recordFee"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List fills, newest first */
        get: operations["listFills"];
        put?: never;
        /** Record one execution (exactly once by exec_id) */
        post: operations["recordFill"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fills/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record up to 1,000 executions, each outcome on its own, in request order */
        post: operations["recordFills"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/holdings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's holdings: net quantity and average cost per instrument */
        get: operations["listHoldings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's imports */
        get: operations["listImports"];
        put?: never;
        /** Start importing an account's history from its venue */
        post: operations["createImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An import and its progress */
        get: operations["getImport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/metrics/performance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's performance: win rate, profit factor, expectancy, drawdown, equity curve */
        get: operations["getPerformance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List orders, newest first, filtered and paged */
        get: operations["listOrders"];
        put?: never;
        /** Record an order (guarded, write-ahead) and submit it through the account's venue */
        post: operations["createOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An order with its fills, quarantined fills and audit trail */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask the venue to cancel an order */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report a lifecycle event for an order (a bot that talks to its broker) */
        post: operations["reportOrderEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/fills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Page an order's fills */
        get: operations["listOrderFills"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/paper/{account_id}/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Paper venue: place an order at the venue by hand, outside Fillbook */
        post: operations["placePaperOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/paper/{account_id}/orders/{broker_order_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Paper venue: cancel an order at the venue */
        post: operations["cancelPaperOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/paper/{account_id}/orders/{broker_order_id}/fill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Paper venue: fill an order by hand */
        post: operations["fillPaperOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/positions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List positions, newest first */
        get: operations["listPositions"];
        put?: never;
        /** Declare a position for a signal (idempotent on signal_id) */
        post: operations["createPosition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/positions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A position with its derived figures */
        get: operations["getPosition"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reconciliations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's reconciliation runs */
        get: operations["listReconciliations"];
        put?: never;
        /** Reconcile an account against its venue (a dry run unless actions are chosen) */
        post: operations["createReconciliation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reconciliations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A reconciliation run with its findings */
        get: operations["getReconciliation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/venue-items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List venue items Fillbook could not read, kept raw */
        get: operations["listVenueItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{venue}/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a venue's signed raw event
         * @description A venue's raw event, signed with the account's webhook secret in the fillbook-signature header (t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, or of "<t>.<fillbook-delivery-id>.<body>" when that header is sent). Stored durably before the 202; processed in the background.
         */
        post: operations["receiveWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Account: {
            base_currency: string;
            created_at: string;
            fail_closed: boolean;
            /** @description set while fail_closed holds new entries back: the run and its unresolved findings */
            halted: components["schemas"]["AccountHalt"] | null;
            /** Format: uuid */
            id: string;
            name: string;
            observe_only: boolean;
            venue: string;
            venue_config: {
                [key: string]: unknown;
            };
            /** @description shown once, when the account is created */
            webhook_secret?: string;
        };
        AccountCreate: {
            base_currency?: string;
            /** @description refuse new entries while the latest reconciliation has unresolved findings that say the ledger may be wrong (default true) */
            fail_closed?: boolean;
            name: string;
            /** @description read-only toward the venue: Fillbook reads and reconciles, never places or cancels (default false) */
            observe_only?: boolean;
            venue: string;
            venue_config?: {
                [key: string]: unknown;
            };
        };
        AccountHalt: {
            /** @description unresolved findings per category */
            findings: {
                [key: string]: number;
            };
            halted_at: string;
            /** Format: uuid */
            run_id: string;
        };
        AccountUpdate: {
            fail_closed?: boolean;
            observe_only?: boolean;
        };
        Alert: {
            /** Format: uuid */
            account_id: string;
            created_at: string;
            /** @description one per sink of the account's owner that takes the kind, as the sinks were when the alert was queued */
            deliveries: components["schemas"]["AlertDelivery"][];
            details: {
                [key: string]: unknown;
            };
            /**
             * Format: uuid
             * @description stable: every delivery of this alert carries it, for the receiver to deduplicate on
             */
            id: string;
            kind: components["schemas"]["AlertKind"];
            severity: components["schemas"]["AlertSeverity"];
            text: string;
            title: string;
        };
        AlertDelivery: {
            attempts: number;
            delivered_at: string | null;
            last_error: string | null;
            next_attempt_at: string;
            /** Format: uuid */
            sink_id: string;
            sink_kind: components["schemas"]["AlertSinkKind"];
            sink_name: string;
            /** @description pending (to be sent or retried), delivered (the receiver answered 2xx), failed (given up) */
            status: components["schemas"]["AlertDeliveryStatus"];
        };
        /** @enum {string} */
        AlertDeliveryStatus: "pending" | "delivered" | "failed";
        /** @enum {string} */
        AlertKind: "exposure_refused" | "fill_quarantined" | "reconciliation_findings" | "position_unprotected" | "stuck_submission" | "account_halted" | "account_released" | "stream_down" | "stream_up" | "venue_item_unparsed";
        AlertPage: {
            data: components["schemas"]["Alert"][];
            next_cursor: string | null;
        };
        /** @enum {string} */
        AlertSeverity: "info" | "warning" | "critical";
        AlertSink: {
            /** @description a Telegram sink's chat */
            chat_id: string | null;
            created_at: string;
            enabled: boolean;
            /** Format: uuid */
            id: string;
            kind: components["schemas"]["AlertSinkKind"];
            kinds: components["schemas"]["AlertKind"][] | null;
            name: string;
            /** @description a webhook secret Fillbook made: shown once, when the sink is created */
            secret?: string;
            /** @description enough of the secret to tell which one it is, never enough to use it */
            secret_hint: string;
            /** @description a webhook's URL; null for the others (a Slack URL is its secret) */
            url: string | null;
        };
        AlertSinkCreate: components["schemas"]["WebhookSinkCreate"] | components["schemas"]["SlackSinkCreate"] | components["schemas"]["TelegramSinkCreate"];
        /** @enum {string} */
        AlertSinkKind: "webhook" | "slack" | "telegram";
        AlertSinkTest: {
            /**
             * Format: uuid
             * @description the id the test message carried
             */
            alert_id: string;
            delivered: boolean;
            /** @description what the receiver or the network said when it was not delivered */
            error: string | null;
        };
        AlertSinkUpdate: {
            enabled?: boolean;
            /** @description the alert kinds this sink takes; null or absent: every kind */
            kinds?: components["schemas"]["AlertKind"][] | null;
            name?: string;
        };
        /** @enum {string} */
        AssetClass: "equity" | "option" | "future" | "crypto";
        Error: {
            error: {
                code: string;
                details: {
                    [key: string]: unknown;
                };
                message: string;
            };
        };
        FeeCreate: {
            /** Format: uuid */
            account_id: string;
            /** @description positive: paid; negative: a rebate */
            amount: string;
            asset_class?: components["schemas"]["AssetClass"];
            broker_order_id?: string;
            /** Format: date-time */
            charged_at?: string;
            client_order_id?: string;
            currency: string;
            /** @description the fill it belongs to (a fill of the order) */
            exec_id?: string;
            /** @description the venue's id for the fee (an Alpaca activity id): the redelivery key */
            fee_id: string;
            /** @description the venue's word for it (CFEE, FEE, PTC) */
            kind?: string;
            /** Format: uuid */
            order_id?: string;
            /** @description required without an order */
            symbol?: string;
        };
        FeeResult: {
            fee: components["schemas"]["RecordedFee"];
            /** @enum {string} */
            outcome: "recorded" | "duplicate";
        };
        Fill: {
            exec_id: string;
            executed_at: string;
            /** @description decimal as a string */
            fee: string;
            fee_currency: string | null;
            /** Format: uuid */
            id: string;
            /** @description a multi-leg order's leg (1-based); quantity and price are the leg's */
            leg: number | null;
            liquidity: components["schemas"]["LiquiditySide"] | null;
            /** Format: uuid */
            order_id: string;
            /** @description decimal as a string */
            price: string;
            /** @description decimal as a string */
            quantity: string;
            received_at: string;
            source: string;
        };
        FillBatchCreate: {
            /** @description at most 1000 fills, answered in this order */
            fills: unknown[];
        };
        FillBatchResult: {
            results: {
                /** @description why the fill was not recorded: for conflict, overfill and refused */
                error?: {
                    code: string;
                    details: {
                        [key: string]: unknown;
                    };
                    message: string;
                };
                exec_id: string;
                /** @description the fill as recorded: for recorded and duplicate */
                fill?: components["schemas"]["Fill"];
                /**
                 * @description conflict and overfill are quarantined, as is a fill the order's status refuses
                 * @enum {string}
                 */
                outcome: "recorded" | "duplicate" | "conflict" | "overfill" | "refused";
            }[];
        };
        FillCreate: {
            /** Format: uuid */
            account_id?: string;
            broker_order_id?: string;
            client_order_id?: string;
            exec_id: string;
            /** Format: date-time */
            executed_at?: string;
            /** @description decimal as a string */
            fee?: string;
            fee_currency?: string;
            /** @description required for a multi-leg order's fill: its leg, 1-based */
            leg?: number;
            liquidity?: components["schemas"]["LiquiditySide"];
            /** Format: uuid */
            order_id?: string;
            /** @description decimal as a string */
            price: string;
            /** @description decimal as a string */
            quantity: string;
        };
        FillResult: {
            fill: components["schemas"]["Fill"];
            order: components["schemas"]["Order"];
            /** @enum {string} */
            outcome: "recorded" | "duplicate";
        };
        Finding: {
            action_taken: string | null;
            broker_order_id: string | null;
            category: components["schemas"]["FindingCategory"];
            details: {
                [key: string]: unknown;
            };
            order_id: string | null;
            seq: number;
            symbol: string | null;
        };
        /** @enum {string} */
        FindingCategory: "matched" | "missing_at_broker" | "orphaned_at_broker" | "fill_mismatch" | "status_mismatch" | "stuck_submission" | "holding_mismatch" | "unprotected_position" | "unparsed_venue_item";
        Holding: {
            /** Format: uuid */
            account_id: string;
            asset_class: components["schemas"]["AssetClass"];
            avg_cost: string | null;
            /** @description decimal as a string */
            net_quantity: string;
            symbol: string;
        };
        /** @enum {string} */
        LiquiditySide: "maker" | "taker";
        Order: {
            accepted_at: string | null;
            /** Format: uuid */
            account_id: string;
            amended_at: string | null;
            asset_class: components["schemas"]["AssetClass"];
            avg_fill_price: string | null;
            broker_order_id: string | null;
            canceled_at: string | null;
            client_order_id: string;
            completed_at: string | null;
            created_at: string;
            detected_at: string | null;
            /** @description the first fill's fee currency (see fees_by_currency for all) */
            fee_currency: string | null;
            /** @description on reads, the fees paid in quote_currency (fills and fees reported later); on write answers, the running sum of the fills' fees */
            fees: string;
            /** @description on reads (GET): every fee of the order, per currency */
            fees_by_currency?: {
                [key: string]: string;
            };
            first_failed_at: string | null;
            first_fill_at: string | null;
            /** Format: uuid */
            id: string;
            last_fill_at: string | null;
            last_retry_at: string | null;
            last_status_check_at: string | null;
            /** @description null for a single-instrument order; then qty_filled counts complete units and avg_fill_price is the net price per unit */
            legs: components["schemas"]["OrderLeg"][] | null;
            limit_price: string | null;
            origin: string;
            position_id: string | null;
            /** @description decimal as a string */
            qty_filled: string;
            /** @description decimal as a string */
            qty_remaining: string;
            /** @description decimal as a string */
            quantity: string;
            /** @description on reads: the currency of fees */
            quote_currency?: string;
            retry_count: number;
            role: components["schemas"]["OrderRole"];
            /** @description who places it at the venue: fillbook (submit: true) or bot (submit: false, or adopted from the venue); Fillbook never sends, re-sends or retries a bot order */
            sent_by: components["schemas"]["OrderSender"];
            side: components["schemas"]["OrderSide"];
            status: components["schemas"]["OrderStatus"];
            status_reason: string | null;
            stop_price: string | null;
            submitted_at: string | null;
            symbol: string;
            time_in_force: components["schemas"]["TimeInForce"];
            type: components["schemas"]["OrderType"];
            updated_at: string;
            version: number;
        };
        OrderCreate: {
            /** Format: uuid */
            account_id: string;
            asset_class?: components["schemas"]["AssetClass"];
            client_order_id?: string;
            /** @description a multi-leg order (spread): quantity then counts units, side is the net direction (buy: debit, sell: credit), limit_price the net price per unit and symbol a label */
            legs?: components["schemas"]["OrderLegCreate"][];
            /** @description decimal as a string */
            limit_price?: string;
            /** Format: uuid */
            position_id?: string;
            /** @description decimal as a string */
            quantity: string;
            role?: components["schemas"]["OrderRole"];
            side: components["schemas"]["OrderSide"];
            /** @description decimal as a string */
            stop_price?: string;
            /** @description false: record only; the bot submits and reports back */
            submit?: boolean;
            symbol: string;
            time_in_force?: components["schemas"]["TimeInForce"];
            type: components["schemas"]["OrderType"];
        };
        OrderDetail: {
            accepted_at: string | null;
            /** Format: uuid */
            account_id: string;
            amended_at: string | null;
            asset_class: components["schemas"]["AssetClass"];
            avg_fill_price: string | null;
            broker_order_id: string | null;
            canceled_at: string | null;
            client_order_id: string;
            completed_at: string | null;
            created_at: string;
            detected_at: string | null;
            events: components["schemas"]["OrderEvent"][];
            /** @description the first fill's fee currency (see fees_by_currency for all) */
            fee_currency: string | null;
            /** @description on reads, the fees paid in quote_currency (fills and fees reported later); on write answers, the running sum of the fills' fees */
            fees: string;
            /** @description on reads (GET): every fee of the order, per currency */
            fees_by_currency?: {
                [key: string]: string;
            };
            /** @description the first 100 fills in execution order */
            fills: components["schemas"]["Fill"][];
            /** @description more fills: GET /v1/orders/{id}/fills?cursor=<this> */
            fills_next_cursor: string | null;
            first_failed_at: string | null;
            first_fill_at: string | null;
            /** Format: uuid */
            id: string;
            last_fill_at: string | null;
            last_retry_at: string | null;
            last_status_check_at: string | null;
            /** @description null for a single-instrument order; then qty_filled counts complete units and avg_fill_price is the net price per unit */
            legs: components["schemas"]["OrderLeg"][] | null;
            limit_price: string | null;
            origin: string;
            position_id: string | null;
            /** @description decimal as a string */
            qty_filled: string;
            /** @description decimal as a string */
            qty_remaining: string;
            /** @description decimal as a string */
            quantity: string;
            /** @description fills delivered for this order but kept aside, not applied (oldest first, at most 200) */
            quarantined_fills: components["schemas"]["QuarantinedFill"][];
            /** @description on reads: the currency of fees */
            quote_currency?: string;
            /** @description fees the venue reported apart from the fills (POST /v1/fees), counted in fees_by_currency */
            recorded_fees?: components["schemas"]["RecordedFee"][];
            retry_count: number;
            role: components["schemas"]["OrderRole"];
            /** @description who places it at the venue: fillbook (submit: true) or bot (submit: false, or adopted from the venue); Fillbook never sends, re-sends or retries a bot order */
            sent_by: components["schemas"]["OrderSender"];
            side: components["schemas"]["OrderSide"];
            status: components["schemas"]["OrderStatus"];
            status_reason: string | null;
            stop_price: string | null;
            submitted_at: string | null;
            symbol: string;
            time_in_force: components["schemas"]["TimeInForce"];
            type: components["schemas"]["OrderType"];
            updated_at: string;
            version: number;
        };
        OrderEvent: {
            at: string;
            payload: {
                [key: string]: unknown;
            };
            recorded_at: string;
            seq: number;
            source: string;
            type: string;
        };
        OrderEventCreate: {
            /** Format: date-time */
            at?: string;
            broker_order_id?: string;
            /** @description decimal as a string */
            limit_price?: string;
            /** @description decimal as a string */
            quantity?: string;
            reason?: string;
            /** @description decimal as a string */
            stop_price?: string;
            type: components["schemas"]["OrderEventType"];
        };
        /** @enum {string} */
        OrderEventType: "submitted" | "open" | "pending_cancel" | "cancel_rejected" | "canceled" | "rejected" | "expired" | "replaced" | "amended" | "status_checked" | "failed" | "retry";
        OrderLeg: {
            asset_class: components["schemas"]["AssetClass"];
            avg_fill_price: string | null;
            position_effect: components["schemas"]["PositionEffect"] | null;
            /** @description in the leg's own contracts */
            qty_filled: string;
            /** @description decimal as a string */
            ratio: string;
            side: components["schemas"]["OrderSide"];
            symbol: string;
        };
        OrderLegCreate: {
            asset_class: components["schemas"]["AssetClass"];
            position_effect?: components["schemas"]["PositionEffect"];
            /** @description contracts of this leg per unit of the order */
            ratio: string;
            side: components["schemas"]["OrderSide"];
            symbol: string;
        };
        /** @enum {string} */
        OrderRole: "entry" | "exit" | "stop_loss" | "take_profit" | "manual";
        /** @enum {string} */
        OrderSender: "fillbook" | "bot";
        /** @enum {string} */
        OrderSide: "buy" | "sell";
        /** @enum {string} */
        OrderStatus: "pending_submit" | "submitted" | "open" | "partially_filled" | "pending_cancel" | "filled" | "canceled" | "rejected" | "expired" | "replaced" | "failed";
        /** @enum {string} */
        OrderType: "market" | "limit" | "stop" | "stop_limit" | "trailing_stop";
        PaperCancel: {
            /** @description change the venue without telling the ledger */
            silent?: boolean;
        };
        PaperFill: {
            /** @description decimal as a string */
            price: string;
            /** @description decimal as a string */
            quantity: string;
            /** @description change the venue without telling the ledger */
            silent?: boolean;
        };
        PaperOrder: {
            asset_class?: components["schemas"]["AssetClass"];
            client_order_id?: string;
            /** @description decimal as a string */
            limit_price?: string;
            /** @description decimal as a string */
            quantity: string;
            side: components["schemas"]["OrderSide"];
            /** @description change the venue without telling the ledger */
            silent?: boolean;
            /** @description decimal as a string */
            stop_price?: string;
            symbol: string;
            time_in_force?: components["schemas"]["TimeInForce"];
            type: components["schemas"]["OrderType"];
        };
        Performance: {
            /** Format: uuid */
            account_id: string;
            avg_loss: string | null;
            avg_win: string | null;
            closed_positions: number;
            /** @description the quote currency of the figures: over the closed positions quoted in it */
            currency: string;
            equity_curve: {
                at: string;
                /** @description decimal as a string */
                equity: string;
            }[];
            expectancy: string | null;
            /** @description fees per currency (upper case), each summed in its own currency; never converted */
            fees_by_currency: {
                [key: string]: string;
            };
            losses: number;
            /** @description decimal as a string */
            max_drawdown: string;
            profit_factor: string | null;
            /** @description in currency, net of the fees paid in currency */
            realized_pnl: string;
            /** @description every closed position, per quote currency */
            realized_pnl_by_currency: {
                [key: string]: string;
            };
            /** @description fees paid in currency */
            total_fees: string;
            win_rate: string | null;
            wins: number;
        };
        Position: {
            /** Format: uuid */
            account_id: string;
            asset_class: components["schemas"]["AssetClass"];
            avg_entry_price: string | null;
            avg_exit_price: string | null;
            closed_at: string | null;
            created_at: string;
            /** @description the fees paid in quote_currency (those realized_pnl is net of) */
            fees: string;
            /** @description fees per currency (upper case), each summed in its own currency; never converted */
            fees_by_currency: {
                [key: string]: string;
            };
            /** Format: uuid */
            id: string;
            /** @description per leg symbol when the position holds multi-leg orders (quantities above then count units); null otherwise */
            legs: components["schemas"]["PositionLeg"][] | null;
            /** @description decimal as a string */
            multiplier: string;
            opened_at: string | null;
            /** @description decimal as a string */
            qty_entered: string;
            /** @description decimal as a string */
            qty_exited: string;
            /** @description decimal as a string */
            qty_open: string;
            /** @description what prices, P&L and fees are in: the second currency of a pair (BTC/USDT: USDT), else the account base_currency */
            quote_currency: string;
            /** @description in quote_currency, net of the fees paid in quote_currency only */
            realized_pnl: string;
            side: components["schemas"]["PositionSide"];
            signal_id: string;
            status: components["schemas"]["PositionStatus"];
            symbol: string;
            /** @description decimal as a string */
            target_quantity: string;
        };
        PositionCreate: {
            /** Format: uuid */
            account_id: string;
            asset_class?: components["schemas"]["AssetClass"];
            /** @description decimal as a string */
            multiplier?: string;
            side: components["schemas"]["PositionSide"];
            signal_id: string;
            symbol: string;
            /** @description decimal as a string */
            target_quantity: string;
        };
        /** @enum {string} */
        PositionEffect: "open" | "close";
        PositionLeg: {
            asset_class: components["schemas"]["AssetClass"];
            avg_close_price: string | null;
            avg_open_price: string | null;
            /** @description decimal as a string */
            qty_closed: string;
            /** @description decimal as a string */
            qty_open: string;
            /** @description decimal as a string */
            qty_opened: string;
            /** @description gross of fees, with the leg's own multiplier */
            realized_pnl: string;
            /** @description the side that opened the leg */
            side: components["schemas"]["OrderSide"];
            symbol: string;
        };
        /** @enum {string} */
        PositionSide: "long" | "short";
        /** @enum {string} */
        PositionStatus: "pending_entry" | "open" | "closing" | "closed" | "failed";
        QuarantinedFill: {
            exec_id: string;
            executed_at: string | null;
            fee: string | null;
            /** Format: uuid */
            id: string;
            /** @description conflicting_duplicate: an exec_id seen before with other data; overfill: more than the order (or leg) can take; refused_transition: a fill the order's status refuses */
            kind: components["schemas"]["QuarantineKind"];
            leg: number | null;
            price: string | null;
            quantity: string | null;
            reason: string;
            received_at: string;
            source: string | null;
        };
        /** @enum {string} */
        QuarantineKind: "conflicting_duplicate" | "overfill" | "refused_transition";
        Reconciliation: {
            /** Format: uuid */
            account_id: string;
            actions: string[];
            dry_run: boolean;
            error: string | null;
            findings?: components["schemas"]["Finding"][];
            finished_at: string | null;
            /** Format: uuid */
            id: string;
            started_at: string;
            started_by: string;
            /** @enum {string} */
            status: "running" | "completed" | "failed";
            summary: {
                [key: string]: number;
            };
        };
        /** @enum {string} */
        ReconciliationAction: "clear_invalid" | "cancel_orphaned" | "adopt_orphaned" | "import_fills";
        ReconciliationCreate: {
            /** Format: uuid */
            account_id: string;
            /** @description none: a dry run */
            actions?: components["schemas"]["ReconciliationAction"][];
        };
        RecordedFee: {
            /** Format: uuid */
            account_id: string;
            /** @description decimal as a string */
            amount: string;
            asset_class: components["schemas"]["AssetClass"] | null;
            charged_at: string;
            currency: string;
            exec_id: string | null;
            fee_id: string;
            kind: string | null;
            order_id: string | null;
            recorded_at: string;
            source: string;
            /** @description null for a fee of the whole account that names no instrument (Alpaca's daily regulatory fee totals) */
            symbol: string | null;
        };
        SlackSinkCreate: {
            /** @description default true */
            enabled?: boolean;
            /** @constant */
            kind: "slack";
            /** @description the alert kinds this sink takes; null or absent: every kind */
            kinds?: components["schemas"]["AlertKind"][] | null;
            name: string;
            /** @description the Slack incoming-webhook URL (https://hooks.slack.com/services/…); a secret: never shown again */
            webhook_url: string;
        };
        TelegramSinkCreate: {
            /** @description the bot's token from BotFather; a secret: never shown again */
            bot_token: string;
            /** @description the chat to send to: a numeric id (-100…) or a channel @username */
            chat_id: string;
            /** @description default true */
            enabled?: boolean;
            /** @constant */
            kind: "telegram";
            /** @description the alert kinds this sink takes; null or absent: every kind */
            kinds?: components["schemas"]["AlertKind"][] | null;
            name: string;
        };
        /** @enum {string} */
        TimeInForce: "day" | "gtc" | "ioc" | "fok" | "opg" | "cls";
        VenueFill: {
            broker_order_id: string;
            exec_id: string;
            executed_at: string;
            /** @description decimal as a string */
            price: string;
            /** @description decimal as a string */
            quantity: string;
        };
        VenueItem: {
            /** Format: uuid */
            account_id: string;
            first_seen_at: string;
            /** @enum {string} */
            kind: "order" | "fill" | "position" | "activity";
            last_seen_at: string;
            /** @description the item as the venue sent it (numbers as their digits, in strings) */
            payload: unknown;
            /** @description what could not be read */
            reason: string;
            times_seen: number;
            venue: string;
            /** @description the venue's id for the item when one could be read */
            venue_item_id: string | null;
        };
        VenueOrder: {
            broker_order_id: string;
            client_order_id: string | null;
            /** @description decimal as a string */
            filled_quantity: string;
            /** @description decimal as a string */
            quantity: string;
            side: components["schemas"]["OrderSide"];
            status: components["schemas"]["OrderStatus"];
            symbol: string;
            type: components["schemas"]["OrderType"];
        };
        WebhookSinkCreate: {
            /** @description default true */
            enabled?: boolean;
            /** @constant */
            kind: "webhook";
            /** @description the alert kinds this sink takes; null or absent: every kind */
            kinds?: components["schemas"]["AlertKind"][] | null;
            name: string;
            /** @description the signing secret; one is made when absent and shown once in the answer */
            secret?: string;
            /** @description where each alert is POSTed as JSON, signed (fillbook-signature) with the secret */
            url: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type Account = components['schemas']['Account'];
export type AccountCreate = components['schemas']['AccountCreate'];
export type AccountHalt = components['schemas']['AccountHalt'];
export type AccountUpdate = components['schemas']['AccountUpdate'];
export type Alert = components['schemas']['Alert'];
export type AlertDelivery = components['schemas']['AlertDelivery'];
export type AlertDeliveryStatus = components['schemas']['AlertDeliveryStatus'];
export type AlertKind = components['schemas']['AlertKind'];
export type AlertPage = components['schemas']['AlertPage'];
export type AlertSeverity = components['schemas']['AlertSeverity'];
export type AlertSink = components['schemas']['AlertSink'];
export type AlertSinkCreate = components['schemas']['AlertSinkCreate'];
export type AlertSinkKind = components['schemas']['AlertSinkKind'];
export type AlertSinkTest = components['schemas']['AlertSinkTest'];
export type AlertSinkUpdate = components['schemas']['AlertSinkUpdate'];
export type AssetClass = components['schemas']['AssetClass'];
export type Error = components['schemas']['Error'];
export type FeeCreate = components['schemas']['FeeCreate'];
export type FeeResult = components['schemas']['FeeResult'];
export type Fill = components['schemas']['Fill'];
export type FillBatchCreate = components['schemas']['FillBatchCreate'];
export type FillBatchResult = components['schemas']['FillBatchResult'];
export type FillCreate = components['schemas']['FillCreate'];
export type FillResult = components['schemas']['FillResult'];
export type Finding = components['schemas']['Finding'];
export type FindingCategory = components['schemas']['FindingCategory'];
export type Holding = components['schemas']['Holding'];
export type LiquiditySide = components['schemas']['LiquiditySide'];
export type Order = components['schemas']['Order'];
export type OrderCreate = components['schemas']['OrderCreate'];
export type OrderDetail = components['schemas']['OrderDetail'];
export type OrderEvent = components['schemas']['OrderEvent'];
export type OrderEventCreate = components['schemas']['OrderEventCreate'];
export type OrderEventType = components['schemas']['OrderEventType'];
export type OrderLeg = components['schemas']['OrderLeg'];
export type OrderLegCreate = components['schemas']['OrderLegCreate'];
export type OrderRole = components['schemas']['OrderRole'];
export type OrderSender = components['schemas']['OrderSender'];
export type OrderSide = components['schemas']['OrderSide'];
export type OrderStatus = components['schemas']['OrderStatus'];
export type OrderType = components['schemas']['OrderType'];
export type PaperCancel = components['schemas']['PaperCancel'];
export type PaperFill = components['schemas']['PaperFill'];
export type PaperOrder = components['schemas']['PaperOrder'];
export type Performance = components['schemas']['Performance'];
export type Position = components['schemas']['Position'];
export type PositionCreate = components['schemas']['PositionCreate'];
export type PositionEffect = components['schemas']['PositionEffect'];
export type PositionLeg = components['schemas']['PositionLeg'];
export type PositionSide = components['schemas']['PositionSide'];
export type PositionStatus = components['schemas']['PositionStatus'];
export type QuarantinedFill = components['schemas']['QuarantinedFill'];
export type QuarantineKind = components['schemas']['QuarantineKind'];
export type Reconciliation = components['schemas']['Reconciliation'];
export type ReconciliationAction = components['schemas']['ReconciliationAction'];
export type ReconciliationCreate = components['schemas']['ReconciliationCreate'];
export type RecordedFee = components['schemas']['RecordedFee'];
export type SlackSinkCreate = components['schemas']['SlackSinkCreate'];
export type TelegramSinkCreate = components['schemas']['TelegramSinkCreate'];
export type TimeInForce = components['schemas']['TimeInForce'];
export type VenueFill = components['schemas']['VenueFill'];
export type VenueItem = components['schemas']['VenueItem'];
export type VenueOrder = components['schemas']['VenueOrder'];
export type WebhookSinkCreate = components['schemas']['WebhookSinkCreate'];
export type $defs = Record<string, never>;
export interface operations {
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        csrf_token: string;
                        user: {
                            /** Format: uuid */
                            id: string;
                            name: string;
                        };
                    };
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        signed_out: boolean;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        csrf_token: string;
                        user: {
                            /** Format: uuid */
                            id: string;
                            name: string;
                        };
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAccounts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Account"][];
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createAccount: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountCreate"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountUpdate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAlertSinks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AlertSink"][];
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createAlertSink: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertSinkCreate"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertSink"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteAlertSink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertSink"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateAlertSink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertSinkUpdate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertSink"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testAlertSink: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertSinkTest"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAlerts: {
        parameters: {
            query?: {
                account_id?: string;
                cursor?: string;
                kind?: components["schemas"]["AlertKind"];
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertPage"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAlert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    retryAlert: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    exportFillsCsv: {
        parameters: {
            query: {
                account_id: string;
                /** @description fills: executed, orders: created, trades: closed at or after */
                since?: string;
                /** @description the same, before */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the rows as CSV (RFC 4180), a header line first, streamed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    exportOrdersCsv: {
        parameters: {
            query: {
                account_id: string;
                /** @description fills: executed, orders: created, trades: closed at or after */
                since?: string;
                /** @description the same, before */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the rows as CSV (RFC 4180), a header line first, streamed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    exportTradesCsv: {
        parameters: {
            query: {
                account_id: string;
                /** @description fills: executed, orders: created, trades: closed at or after */
                since?: string;
                /** @description the same, before */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the rows as CSV (RFC 4180), a header line first, streamed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    recordFee: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FeeCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeeResult"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeeResult"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listFills: {
        parameters: {
            query?: {
                account_id?: string;
                cursor?: string;
                limit?: number;
                order_id?: string;
                /** @description executed at or after */
                since?: string;
                /** @description the order's symbol (a multi-leg order's label) */
                symbol?: string;
                /** @description executed before */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            account_id: string;
                            /** @enum {string} */
                            asset_class: "equity" | "option" | "future" | "crypto";
                            broker_order_id: string | null;
                            client_order_id: string;
                            exec_id: string;
                            executed_at: string;
                            /** @description decimal as a string */
                            fee: string;
                            fee_currency: string | null;
                            /** Format: uuid */
                            id: string;
                            /** @description a multi-leg order's leg (1-based); quantity and price are the leg's */
                            leg: number | null;
                            liquidity: components["schemas"]["LiquiditySide"] | null;
                            /** Format: uuid */
                            order_id: string;
                            position_id: string | null;
                            /** @description decimal as a string */
                            price: string;
                            /** @description decimal as a string */
                            quantity: string;
                            received_at: string;
                            /** @enum {string} */
                            role: "entry" | "exit" | "stop_loss" | "take_profit" | "manual";
                            /** @enum {string} */
                            side: "buy" | "sell";
                            signal_id: string | null;
                            source: string;
                            symbol: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    recordFill: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FillCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FillResult"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FillResult"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    recordFills: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FillBatchCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FillBatchResult"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listHoldings: {
        parameters: {
            query: {
                account_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Holding"][];
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listImports: {
        parameters: {
            query: {
                account_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            account_id: string;
                            counts: {
                                adopted: number;
                                fills_seen: number;
                                imported: number;
                                opening_balances: number;
                                orders_seen: number;
                                pages: number;
                                quarantined: number;
                            };
                            error: string | null;
                            finished_at: string | null;
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            phase: "orders" | "fills" | "positions" | "done";
                            since: string;
                            started_at: string;
                            started_by: string;
                            /** @enum {string} */
                            status: "running" | "interrupted" | "failed" | "completed";
                            updated_at: string;
                        }[];
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createImport: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    account_id: string;
                    /** @description a date or ISO 8601 time, not in the future: the venue history since then is imported */
                    since: string;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        account_id: string;
                        counts: {
                            adopted: number;
                            fills_seen: number;
                            imported: number;
                            opening_balances: number;
                            orders_seen: number;
                            pages: number;
                            quarantined: number;
                        };
                        error: string | null;
                        finished_at: string | null;
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        phase: "orders" | "fills" | "positions" | "done";
                        since: string;
                        started_at: string;
                        started_by: string;
                        /** @enum {string} */
                        status: "running" | "interrupted" | "failed" | "completed";
                        updated_at: string;
                    };
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getImport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        account_id: string;
                        counts: {
                            adopted: number;
                            fills_seen: number;
                            imported: number;
                            opening_balances: number;
                            orders_seen: number;
                            pages: number;
                            quarantined: number;
                        };
                        error: string | null;
                        finished_at: string | null;
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        phase: "orders" | "fills" | "positions" | "done";
                        since: string;
                        started_at: string;
                        started_by: string;
                        /** @enum {string} */
                        status: "running" | "interrupted" | "failed" | "completed";
                        updated_at: string;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPerformance: {
        parameters: {
            query: {
                account_id: string;
                currency?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Performance"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listOrders: {
        parameters: {
            query?: {
                account_id?: string;
                cursor?: string;
                limit?: number;
                position_id?: string;
                signal_id?: string;
                since?: string;
                /** @description one or more statuses, comma-separated */
                status?: components["schemas"]["OrderStatus"][];
                symbol?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Order"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the venue is unavailable (FILLBOOK_ERR_VENUE_UNAVAILABLE); safe to retry with the same Idempotency-Key or client_order_id */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderDetail"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the venue is unavailable (FILLBOOK_ERR_VENUE_UNAVAILABLE); safe to retry with the same Idempotency-Key or client_order_id */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    reportOrderEvent: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderEventCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listOrderFills: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Fill"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    placePaperOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PaperOrder"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VenueOrder"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelPaperOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                account_id: string;
                broker_order_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PaperCancel"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VenueOrder"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    fillPaperOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path: {
                account_id: string;
                broker_order_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PaperFill"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VenueFill"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listPositions: {
        parameters: {
            query?: {
                account_id?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Position"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createPosition: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PositionCreate"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Position"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Position"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPosition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Position"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listReconciliations: {
        parameters: {
            query: {
                account_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Reconciliation"][];
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createReconciliation: {
        parameters: {
            query?: never;
            header?: {
                /** @description A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReconciliationCreate"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reconciliation"];
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the venue is unavailable (FILLBOOK_ERR_VENUE_UNAVAILABLE); safe to retry with the same Idempotency-Key or client_order_id */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getReconciliation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reconciliation"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listVenueItems: {
        parameters: {
            query: {
                account_id: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["VenueItem"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    receiveWebhook: {
        parameters: {
            query?: never;
            header?: {
                "fillbook-delivery-id"?: string;
                "fillbook-signature"?: string;
            };
            path: {
                account_id: string;
                venue: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        duplicate: boolean;
                        id: string | null;
                    };
                };
            };
            /** @description the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not found, or not yours: another user's account, order or position is indistinguishable from a missing one */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal error; the message names the request id to quote */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
type FlattenedDeepRequired<T> = {
    [K in keyof T]-?: FlattenedDeepRequired<T[K] extends unknown[] | undefined | null ? Extract<T[K], unknown[]>[number] : T[K]>;
};
type ReadonlyArray<T> = [
    Exclude<T, undefined>
] extends [
    unknown[]
] ? Readonly<Exclude<T, undefined>> : Readonly<Exclude<T, undefined>[]>;
export const pathsV1FillsGetResponses200ContentApplicationJsonDataAsset_classValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/fills"]["get"]["responses"]["200"]["content"]["application/json"]["data"]["asset_class"]> = ["equity", "option", "future", "crypto"];
export const pathsV1FillsGetResponses200ContentApplicationJsonDataRoleValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/fills"]["get"]["responses"]["200"]["content"]["application/json"]["data"]["role"]> = ["entry", "exit", "stop_loss", "take_profit", "manual"];
export const pathsV1FillsGetResponses200ContentApplicationJsonDataSideValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/fills"]["get"]["responses"]["200"]["content"]["application/json"]["data"]["side"]> = ["buy", "sell"];
export const pathsV1ImportsGetResponses200ContentApplicationJsonDataPhaseValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/imports"]["get"]["responses"]["200"]["content"]["application/json"]["data"]["phase"]> = ["orders", "fills", "positions", "done"];
export const pathsV1ImportsGetResponses200ContentApplicationJsonDataStatusValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/imports"]["get"]["responses"]["200"]["content"]["application/json"]["data"]["status"]> = ["running", "interrupted", "failed", "completed"];
export const pathsV1ImportsPostResponses202ContentApplicationJsonPhaseValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/imports"]["post"]["responses"]["202"]["content"]["application/json"]["phase"]> = ["orders", "fills", "positions", "done"];
export const pathsV1ImportsPostResponses202ContentApplicationJsonStatusValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/imports"]["post"]["responses"]["202"]["content"]["application/json"]["status"]> = ["running", "interrupted", "failed", "completed"];
export const pathsV1ImportsIdGetResponses200ContentApplicationJsonPhaseValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/imports/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["phase"]> = ["orders", "fills", "positions", "done"];
export const pathsV1ImportsIdGetResponses200ContentApplicationJsonStatusValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/imports/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["status"]> = ["running", "interrupted", "failed", "completed"];
export const alertDeliveryStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["AlertDeliveryStatus"]> = ["pending", "delivered", "failed"];
export const alertKindValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["AlertKind"]> = ["exposure_refused", "fill_quarantined", "reconciliation_findings", "position_unprotected", "stuck_submission", "account_halted", "account_released", "stream_down", "stream_up", "venue_item_unparsed"];
export const alertSeverityValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["AlertSeverity"]> = ["info", "warning", "critical"];
export const alertSinkKindValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["AlertSinkKind"]> = ["webhook", "slack", "telegram"];
export const assetClassValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["AssetClass"]> = ["equity", "option", "future", "crypto"];
export const feeResultOutcomeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["FeeResult"]["outcome"]> = ["recorded", "duplicate"];
export const fillBatchResultResultsOutcomeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["FillBatchResult"]["results"]["outcome"]> = ["recorded", "duplicate", "conflict", "overfill", "refused"];
export const fillResultOutcomeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["FillResult"]["outcome"]> = ["recorded", "duplicate"];
export const findingCategoryValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["FindingCategory"]> = ["matched", "missing_at_broker", "orphaned_at_broker", "fill_mismatch", "status_mismatch", "stuck_submission", "holding_mismatch", "unprotected_position", "unparsed_venue_item"];
export const liquiditySideValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["LiquiditySide"]> = ["maker", "taker"];
export const orderEventTypeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["OrderEventType"]> = ["submitted", "open", "pending_cancel", "cancel_rejected", "canceled", "rejected", "expired", "replaced", "amended", "status_checked", "failed", "retry"];
export const orderRoleValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["OrderRole"]> = ["entry", "exit", "stop_loss", "take_profit", "manual"];
export const orderSenderValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["OrderSender"]> = ["fillbook", "bot"];
export const orderSideValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["OrderSide"]> = ["buy", "sell"];
export const orderStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["OrderStatus"]> = ["pending_submit", "submitted", "open", "partially_filled", "pending_cancel", "filled", "canceled", "rejected", "expired", "replaced", "failed"];
export const orderTypeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["OrderType"]> = ["market", "limit", "stop", "stop_limit", "trailing_stop"];
export const positionEffectValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["PositionEffect"]> = ["open", "close"];
export const positionSideValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["PositionSide"]> = ["long", "short"];
export const positionStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["PositionStatus"]> = ["pending_entry", "open", "closing", "closed", "failed"];
export const quarantineKindValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["QuarantineKind"]> = ["conflicting_duplicate", "overfill", "refused_transition"];
export const reconciliationStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["Reconciliation"]["status"]> = ["running", "completed", "failed"];
export const reconciliationActionValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["ReconciliationAction"]> = ["clear_invalid", "cancel_orphaned", "adopt_orphaned", "import_fills"];
export const timeInForceValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["TimeInForce"]> = ["day", "gtc", "ioc", "fok", "opg", "cls"];
export const venueItemKindValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["VenueItem"]["kind"]> = ["order", "fill", "position", "activity"];
