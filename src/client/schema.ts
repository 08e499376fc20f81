/* eslint-disable */
// Generated from openapi/openapi.json by `npm run openapi` (openapi-typescript). Do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: Redis answers */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of the queue and this API process
         * @description Queue depth by priority and state and the oldest queued job's age (read from Redis at scrape time), enqueue outcomes, lease expiries, Redis errors, and process metrics. Workers serve their own on JOBQ_METRICS_PORT.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue a job (one active job per entity)
         * @description 201 created; 200 when the entity is already waiting (outcome exists, or priority_raised when the new priority is higher); 409 when the entity is being processed.
         */
        post: operations["enqueueJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of a job, by job_id or entity_id; optionally waiting for its end
         * @description By entity_id: the entity's active job, or its most recent finished job while retained. With wait_ms, the answer comes as soon as the job is completed, failed or cancelled, or after wait_ms with its state then (check status: a job still queued or processing is not an error). Waiting costs no polling: the API hears of the end on the queue's event stream.
         */
        get: operations["getJob"];
        put?: never;
        post?: never;
        /**
         * Cancel a waiting job, or forget a finished one
         * @description A queued or scheduled job is cancelled and its entity is free again; a finished job is deleted. 409 while processing.
         */
        delete: operations["cancelJob"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/priority": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change the priority of a waiting job
         * @description The job keeps its first-enqueue time: in its new priority it stands where it would have stood had it been enqueued there.
         */
        patch: operations["updateJobPriority"];
        trace?: never;
    };
    "/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put a failed job back in the queue
         * @description Queued again at its priority and first-enqueue place, with a fresh allowance of attempts.
         */
        post: operations["retryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue up to 1000 jobs in one request
         * @description One atomic script call for the whole batch. Each job gets its own outcome, with the same deduplication rules as POST /jobs; a later item for an entity sees the earlier ones.
         */
        post: operations["enqueueJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Extend the lease of the attempt the callback token names
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["heartbeatAttempt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report progress of the attempt (and extend its lease)
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["progressAttempt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete the job with its result
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["completeAttempt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/fail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fail the attempt: retried by the handler's policy unless retry is false
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["failAttempt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Overview of the queue; optionally one page of queued or processing jobs */
        get: operations["getQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause the queue: no new dispatch
         * @description Callbacks in flight finish; enqueueing, priority changes and cancels go on, and jobs keep their places. Admin keys only. Repeating it changes nothing.
         */
        post: operations["pauseQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused queue
         * @description Workers pick up where they stopped, at once. Admin keys only. Repeating it changes nothing.
         */
        post: operations["resumeQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handlers/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a handler (never its secret) */
        get: operations["getHandler"];
        /**
         * Register or replace a handler
         * @description Settings left out take their defaults, except headers: left out, the stored ones stay ({} removes them). On creation (201) the answer carries the signing secret, shown only then. Header values are never shown again, only masked.
         */
        put: operations["putHandler"];
        post?: never;
        /**
         * Delete a handler
         * @description Jobs that still name it fail when they are dispatched.
         */
        delete: operations["deleteHandler"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handlers/{name}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give a handler a new signing secret
         * @description The answer carries the new secret, shown only then. Until grace_ms has passed, callbacks carry signatures with both the old and the new secret, so the handler can switch without dropping one.
         */
        post: operations["rotateHandlerSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handlers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List handlers */
        get: operations["listHandlers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handlers/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a handler: none of its jobs is dispatched
         * @description Callbacks in flight finish; enqueueing, priority changes and cancels go on and its jobs keep their places. Jobs of other handlers are dispatched as if its backlog were not there. Pausing a paused handler changes nothing.
         */
        post: operations["pauseHandler"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/handlers/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused handler
         * @description Its jobs are dispatched again from where they stopped, in priority and first-enqueue order. Resuming a running handler changes nothing.
         */
        post: operations["resumeHandler"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a schedule */
        get: operations["getSchedule"];
        /**
         * Create or replace a recurring schedule
         * @description Each tick enqueues the job once, however many workers run (workers fire the ticks; no other process is needed). The schedule next fires at its first tick after now. A replaced schedule keeps its created_at and last run. 400 names the field for an expression or timezone that is not valid; 422 when no handler has the job's task.
         */
        put: operations["putSchedule"];
        post?: never;
        /**
         * Delete a schedule
         * @description The jobs its ticks enqueued stay.
         */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List schedules, with their next and last run */
        get: operations["listSchedules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a schedule: it fires nothing
         * @description Jobs it enqueued already are not touched. Pausing a paused schedule changes nothing.
         */
        post: operations["pauseSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused schedule
         * @description It fires from its next tick after now; the ticks passed while paused are not caught up. Resuming a running schedule changes nothing.
         */
        post: operations["resumeSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue the schedule's job now
         * @description As a tick at this moment would (its jobq-tick is now), also when paused; the schedule's next tick stays where it is. 201 created; 200 when the entity already has an active job (outcome exists, priority_raised or processing, naming that job).
         */
        post: operations["triggerSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every job state change of the queue, as Server-Sent Events
         * @description A `text/event-stream` that stays open: each event's `id:` is its stream id and its `data:` one JobEvent (JSON on one line). Send the last id seen as `Last-Event-ID` (or `?last_event_id=`) to resume with no gap and no duplicate while the events are retained (JOBQ_EVENTS_RETENTION); when some may be gone, the stream starts with `event: gap` whose data names the oldest id retained. A comment line comes at least every 15 s. Send the key in the Authorization header, never in the URL (a browser reads the stream with fetch(), not EventSource).
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every queue with its counts
         * @description The queues the caller's key may use. A queue comes into being when its first handler is registered.
         */
        get: operations["listQueues"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue a job (one active job per entity)
         * @description 201 created; 200 when the entity is already waiting (outcome exists, or priority_raised when the new priority is higher); 409 when the entity is being processed.
         */
        post: operations["enqueueJobInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of a job, by job_id or entity_id; optionally waiting for its end
         * @description By entity_id: the entity's active job, or its most recent finished job while retained. With wait_ms, the answer comes as soon as the job is completed, failed or cancelled, or after wait_ms with its state then (check status: a job still queued or processing is not an error). Waiting costs no polling: the API hears of the end on the queue's event stream.
         */
        get: operations["getJobInQueue"];
        put?: never;
        post?: never;
        /**
         * Cancel a waiting job, or forget a finished one
         * @description A queued or scheduled job is cancelled and its entity is free again; a finished job is deleted. 409 while processing.
         */
        delete: operations["cancelJobInQueue"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}/priority": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change the priority of a waiting job
         * @description The job keeps its first-enqueue time: in its new priority it stands where it would have stood had it been enqueued there.
         */
        patch: operations["updateJobPriorityInQueue"];
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put a failed job back in the queue
         * @description Queued again at its priority and first-enqueue place, with a fresh allowance of attempts.
         */
        post: operations["retryJobInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue up to 1000 jobs in one request
         * @description One atomic script call for the whole batch. Each job gets its own outcome, with the same deduplication rules as POST /jobs; a later item for an entity sees the earlier ones.
         */
        post: operations["enqueueJobsInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Extend the lease of the attempt the callback token names
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["heartbeatAttemptInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report progress of the attempt (and extend its lease)
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["progressAttemptInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete the job with its result
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["completeAttemptInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/jobs/{id}/fail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fail the attempt: retried by the handler's policy unless retry is false
         * @description Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.
         */
        post: operations["failAttemptInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Overview of the queue; optionally one page of queued or processing jobs */
        get: operations["getNamedQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause the queue: no new dispatch
         * @description Callbacks in flight finish; enqueueing, priority changes and cancels go on, and jobs keep their places. Admin keys only. Repeating it changes nothing.
         */
        post: operations["pauseNamedQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused queue
         * @description Workers pick up where they stopped, at once. Admin keys only. Repeating it changes nothing.
         */
        post: operations["resumeNamedQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/handlers/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a handler (never its secret) */
        get: operations["getHandlerInQueue"];
        /**
         * Register or replace a handler
         * @description Settings left out take their defaults, except headers: left out, the stored ones stay ({} removes them). On creation (201) the answer carries the signing secret, shown only then. Header values are never shown again, only masked.
         */
        put: operations["putHandlerInQueue"];
        post?: never;
        /**
         * Delete a handler
         * @description Jobs that still name it fail when they are dispatched.
         */
        delete: operations["deleteHandlerInQueue"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/handlers/{name}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give a handler a new signing secret
         * @description The answer carries the new secret, shown only then. Until grace_ms has passed, callbacks carry signatures with both the old and the new secret, so the handler can switch without dropping one.
         */
        post: operations["rotateHandlerSecretInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/handlers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List handlers */
        get: operations["listHandlersInQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/handlers/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a handler: none of its jobs is dispatched
         * @description Callbacks in flight finish; enqueueing, priority changes and cancels go on and its jobs keep their places. Jobs of other handlers are dispatched as if its backlog were not there. Pausing a paused handler changes nothing.
         */
        post: operations["pauseHandlerInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/handlers/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused handler
         * @description Its jobs are dispatched again from where they stopped, in priority and first-enqueue order. Resuming a running handler changes nothing.
         */
        post: operations["resumeHandlerInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/schedules/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a schedule */
        get: operations["getScheduleInQueue"];
        /**
         * Create or replace a recurring schedule
         * @description Each tick enqueues the job once, however many workers run (workers fire the ticks; no other process is needed). The schedule next fires at its first tick after now. A replaced schedule keeps its created_at and last run. 400 names the field for an expression or timezone that is not valid; 422 when no handler has the job's task.
         */
        put: operations["putScheduleInQueue"];
        post?: never;
        /**
         * Delete a schedule
         * @description The jobs its ticks enqueued stay.
         */
        delete: operations["deleteScheduleInQueue"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List schedules, with their next and last run */
        get: operations["listSchedulesInQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/schedules/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a schedule: it fires nothing
         * @description Jobs it enqueued already are not touched. Pausing a paused schedule changes nothing.
         */
        post: operations["pauseScheduleInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/schedules/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused schedule
         * @description It fires from its next tick after now; the ticks passed while paused are not caught up. Resuming a running schedule changes nothing.
         */
        post: operations["resumeScheduleInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/schedules/{name}/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enqueue the schedule's job now
         * @description As a tick at this moment would (its jobq-tick is now), also when paused; the schedule's next tick stays where it is. 201 created; 200 when the entity already has an active job (outcome exists, priority_raised or processing, naming that job).
         */
        post: operations["triggerScheduleInQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queues/{queue}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every job state change of the queue, as Server-Sent Events
         * @description A `text/event-stream` that stays open: each event's `id:` is its stream id and its `data:` one JobEvent (JSON on one line). Send the last id seen as `Last-Event-ID` (or `?last_event_id=`) to resume with no gap and no duplicate while the events are retained (JOBQ_EVENTS_RETENTION); when some may be gone, the stream starts with `event: gap` whose data names the oldest id retained. A comment line comes at least every 15 s. Send the key in the Authorization header, never in the URL (a browser reads the stream with fetch(), not EventSource).
         */
        get: operations["streamEventsInQueue"];
        put?: never;
        post?: never;
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
        /**
         * @description The one error shape of every route
         * @example {
         *       "statusCode": 400,
         *       "error": "Bad Request",
         *       "message": "body.priority: must be <= 3"
         *     }
         */
        Error: {
            /** @description HTTP status, repeated in the body */
            statusCode: number;
            /** @description HTTP reason phrase */
            error: string;
            /** @description What went wrong, naming the offending field where there is one */
            message: string;
            /** @description Stable error code, e.g. JQ_ERR_JOB_NOT_FOUND */
            code?: string;
            /** @description The job the error is about, where one is named */
            job_id?: string;
            /**
             * @description POST /jobs only: the entity is being processed by job_id
             * @enum {string}
             */
            outcome?: "processing";
        };
        /**
         * @example {
         *       "job_id": "VcE1jTf00001",
         *       "entity_id": "user-42",
         *       "task": "email.send",
         *       "status": "queued",
         *       "priority": 2,
         *       "position_in_queue": 3,
         *       "position_in_priority": 1,
         *       "args": [
         *         "welcome"
         *       ],
         *       "kwargs": {
         *         "lang": "en"
         *       },
         *       "metadata": {
         *         "requested_by": "signup"
         *       },
         *       "attempts": 0,
         *       "queued_at": "2026-11-28T01:00:32.571Z",
         *       "priority_updated_at": null,
         *       "started_at": null,
         *       "finished_at": null,
         *       "next_attempt_at": null,
         *       "last_error": null,
         *       "result": null,
         *       "progress": null,
         *       "lease_expires_at": null,
         *       "schedule": null
         *     }
         */
        Job: {
            /** @description Unique, time-ordered; the idempotency key a handler should use */
            job_id: string;
            entity_id: string;
            /** @description The handler that runs the job */
            task: string;
            /** @description scheduled: waiting for its due time (delayed, or a retry after a failed attempt); failed: in the dead-letter set */
            status: "queued" | "scheduled" | "processing" | "completed" | "failed" | "cancelled";
            /** @description 1 is the highest */
            priority: 1 | 2 | 3;
            /** @description 1 = next to run; null unless queued */
            position_in_queue: number | null;
            /** @description 1 = next within its priority; null unless queued */
            position_in_priority: number | null;
            args: unknown[];
            kwargs: {
                [key: string]: unknown;
            };
            metadata: {
                [key: string]: unknown;
            };
            /** @description Dispatch attempts started */
            attempts: number;
            /**
             * Format: date-time
             * @description First enqueue; orders the job within its priority
             */
            queued_at: string;
            priority_updated_at: string | null;
            started_at: string | null;
            finished_at: string | null;
            /** @description When a scheduled job is due (a delayed job, or a retry) */
            next_attempt_at: string | null;
            last_error: string | null;
            /** @description The JSON body the handler answered with, when it completed the job */
            result: unknown;
            /** @description The last progress its handler reported (POST .../progress) for this attempt */
            progress: {
                percent: number | null;
                message: string | null;
                /** Format: date-time */
                at: string;
            } | null;
            /** @description For a job its async handler holds (after a 202): when its lease lapses unless the handler reports again */
            lease_expires_at: string | null;
            /** @description The recurring schedule whose tick enqueued the job; null for other jobs */
            schedule: {
                /** @description The schedule (callback header jobq-schedule) */
                name: string;
                /**
                 * Format: date-time
                 * @description The tick the job is for (callback header jobq-tick)
                 */
                tick: string;
            } | null;
        };
        /**
         * @example {
         *       "job_id": "VcE1jTf00001",
         *       "entity_id": "user-42",
         *       "task": "email.send",
         *       "status": "queued",
         *       "priority": 2,
         *       "position_in_queue": 3,
         *       "position_in_priority": 1,
         *       "args": [
         *         "welcome"
         *       ],
         *       "kwargs": {
         *         "lang": "en"
         *       },
         *       "metadata": {
         *         "requested_by": "signup"
         *       },
         *       "attempts": 0,
         *       "queued_at": "2026-11-28T01:00:32.571Z",
         *       "priority_updated_at": null,
         *       "started_at": null,
         *       "finished_at": null,
         *       "next_attempt_at": null,
         *       "last_error": null,
         *       "result": null,
         *       "progress": null,
         *       "lease_expires_at": null,
         *       "schedule": null,
         *       "outcome": "created"
         *     }
         */
        EnqueuedJob: {
            /** @description Unique, time-ordered; the idempotency key a handler should use */
            job_id: string;
            entity_id: string;
            /** @description The handler that runs the job */
            task: string;
            /** @description scheduled: waiting for its due time (delayed, or a retry after a failed attempt); failed: in the dead-letter set */
            status: "queued" | "scheduled" | "processing" | "completed" | "failed" | "cancelled";
            /** @description 1 is the highest */
            priority: 1 | 2 | 3;
            /** @description 1 = next to run; null unless queued */
            position_in_queue: number | null;
            /** @description 1 = next within its priority; null unless queued */
            position_in_priority: number | null;
            args: unknown[];
            kwargs: {
                [key: string]: unknown;
            };
            metadata: {
                [key: string]: unknown;
            };
            /** @description Dispatch attempts started */
            attempts: number;
            /**
             * Format: date-time
             * @description First enqueue; orders the job within its priority
             */
            queued_at: string;
            priority_updated_at: string | null;
            started_at: string | null;
            finished_at: string | null;
            /** @description When a scheduled job is due (a delayed job, or a retry) */
            next_attempt_at: string | null;
            last_error: string | null;
            /** @description The JSON body the handler answered with, when it completed the job */
            result: unknown;
            /** @description The last progress its handler reported (POST .../progress) for this attempt */
            progress: {
                percent: number | null;
                message: string | null;
                /** Format: date-time */
                at: string;
            } | null;
            /** @description For a job its async handler holds (after a 202): when its lease lapses unless the handler reports again */
            lease_expires_at: string | null;
            /** @description The recurring schedule whose tick enqueued the job; null for other jobs */
            schedule: {
                /** @description The schedule (callback header jobq-schedule) */
                name: string;
                /**
                 * Format: date-time
                 * @description The tick the job is for (callback header jobq-tick)
                 */
                tick: string;
            } | null;
            outcome: "created" | "priority_raised" | "exists" | "processing";
        };
        /**
         * @example {
         *       "task": "email.send",
         *       "entity_id": "user-42",
         *       "args": [
         *         "welcome"
         *       ],
         *       "kwargs": {
         *         "lang": "en"
         *       },
         *       "priority": 2,
         *       "metadata": {
         *         "requested_by": "signup"
         *       }
         *     }
         */
        NewJob: {
            /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
            task: string;
            /** @description The resource the job is about: one active job per entity. 1-256 characters, no control characters or unpaired surrogates */
            entity_id: string;
            /** @description Positional arguments; default [] */
            args?: unknown[];
            /** @description Keyword arguments; default {} */
            kwargs?: {
                [key: string]: unknown;
            };
            /** @description 1 (highest, default) to 3 */
            priority?: number;
            /** @description Anything the caller wants back; default {} */
            metadata?: {
                [key: string]: unknown;
            };
            /** @description Run no sooner than this many ms from now (0 to one year); the job is scheduled until then. Not with run_at */
            delay_ms?: number;
            /**
             * Format: date-time
             * @description Run no sooner than this time (RFC 3339); a time in the past means now. Not with delay_ms
             */
            run_at?: string;
        };
        /**
         * @example {
         *       "queue": "default",
         *       "queued": 12,
         *       "by_priority": {
         *         "1": 2,
         *         "2": 7,
         *         "3": 3
         *       },
         *       "processing": 4,
         *       "scheduled": 1,
         *       "failed": 0,
         *       "completed": 230,
         *       "cancelled": 2,
         *       "total_processed": 1874,
         *       "runtime_ms": {
         *         "min": 3,
         *         "avg": 41,
         *         "max": 2950
         *       },
         *       "oldest_queued_age_ms": 5120,
         *       "paused": false,
         *       "uptime_seconds": 86400
         *     }
         */
        Queue: {
            /** @description Name of the queue */
            queue: string;
            /** @description Jobs waiting to run */
            queued: number;
            by_priority: {
                /** @description Queued at priority 1 */
                1: number;
                /** @description Queued at priority 2 */
                2: number;
                /** @description Queued at priority 3 */
                3: number;
            };
            /** @description Jobs whose callback is in flight */
            processing: number;
            /** @description Jobs waiting to retry */
            scheduled: number;
            /** @description Jobs in the dead-letter set (retained) */
            failed: number;
            /** @description Completed jobs still retained */
            completed: number;
            /** @description Cancelled jobs still retained */
            cancelled: number;
            /** @description Jobs that ran to an end, completed or failed, since the queue began */
            total_processed: number;
            /** @description From first dispatch to the end, over total_processed */
            runtime_ms: {
                min: number | null;
                avg: number | null;
                max: number | null;
            };
            /** @description How long the longest-waiting queued job has waited since its first enqueue; null when none is queued */
            oldest_queued_age_ms: number | null;
            /** @description No job is dispatched while paused (POST .../pause, .../resume) */
            paused: boolean;
            /** @description Uptime of the API process that answered */
            uptime_seconds: number;
            /** @description One page of the listed state, in the order that list keeps */
            jobs?: components["schemas"]["Job"][];
            /** @description Pass as cursor for the next page; null at the end */
            next_cursor?: string | null;
        };
        /**
         * @example {
         *       "url": "https://hooks.example.com/jobq/email",
         *       "timeout_ms": 30000,
         *       "max_attempts": 5,
         *       "backoff_ms": 1000,
         *       "headers": {
         *         "authorization": "Bearer 7Fq2xLr9wK3mT8",
         *         "x-tenant": "acme"
         *       }
         *     }
         */
        HandlerSettings: {
            /**
             * Format: uri
             * @description http:// or https:// URL the worker POSTs each job to
             */
            url: string;
            /** @description Per attempt; default 30000 */
            timeout_ms?: number;
            /** @description Attempts before the job fails for good; default 5 */
            max_attempts?: number;
            /** @description First retry delay, doubled each attempt with jitter; default 1000 */
            backoff_ms?: number;
            /** @description At most this many callbacks of the handler in flight at once, counted over every worker; null (the default): no limit */
            max_concurrency?: number | null;
            /** @description At most this many callbacks started per second on average, over every worker; null (the default): no limit */
            rate_per_second?: number | null;
            /** @description How many callbacks the rate lets start at once after a quiet spell; null (the default): rate_per_second rounded up. Needs rate_per_second */
            burst?: number | null;
            /** @description The handler may answer 202 Accepted and finish the job later through POST /jobs/{id}/complete or /fail with the callback token; default false (a 202 is a 2xx that completes the job) */
            async?: boolean;
            /** @description How long a job taken with 202 stays the handler's without a heartbeat or progress report (unless the 202 says {"lease_ms": N}); default 300000 */
            async_lease_ms?: number;
            /** @description Headers sent with every callback, e.g. {"authorization": "Bearer ..."}: at most 20, values up to 4096 characters of visible ASCII or Latin-1, spaces and tabs. Names are case-insensitive (stored lower-cased); content-type, content-length, content-encoding, host, user-agent, webhook-*, jobq-* (set by JobQ) and hop-by-hop headers (connection, keep-alive, transfer-encoding, upgrade, te, trailer, expect, proxy-*) are refused. Values are secrets: they are never shown again, only masked. Left out, the stored headers stay; {} removes them. */
            headers?: {
                [key: string]: string;
            };
        };
        /**
         * @example {
         *       "name": "email.send",
         *       "url": "https://hooks.example.com/jobq/email",
         *       "timeout_ms": 30000,
         *       "max_attempts": 5,
         *       "backoff_ms": 1000,
         *       "created_at": "2026-11-28T01:00:00.000Z",
         *       "updated_at": "2026-11-28T01:00:00.000Z",
         *       "headers": {
         *         "authorization": "****3mT8",
         *         "x-tenant": "****"
         *       }
         *     }
         */
        Handler: {
            /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
            name: string;
            /**
             * Format: uri
             * @description http:// or https:// URL the worker POSTs each job to
             */
            url: string;
            /** @description Per attempt; default 30000 */
            timeout_ms: number;
            /** @description Attempts before the job fails for good; default 5 */
            max_attempts: number;
            /** @description First retry delay, doubled each attempt with jitter; default 1000 */
            backoff_ms: number;
            /** @description At most this many callbacks of the handler in flight at once, counted over every worker; null (the default): no limit */
            max_concurrency: number | null;
            /** @description At most this many callbacks started per second on average, over every worker; null (the default): no limit */
            rate_per_second: number | null;
            /** @description The handler may answer 202 Accepted and finish the job later through POST /jobs/{id}/complete or /fail with the callback token; default false (a 202 is a 2xx that completes the job) */
            async: boolean;
            /** @description How long a job taken with 202 stays the handler's without a heartbeat or progress report (unless the 202 says {"lease_ms": N}); default 300000 */
            async_lease_ms: number;
            /** @description How many callbacks the rate lets start at once after a quiet spell; null (the default): rate_per_second rounded up. Needs rate_per_second */
            burst: number | null;
            /** @description The callback headers, each value masked: **** and its last 4 characters, or only **** when it is shorter than 12 */
            headers: {
                [key: string]: string;
            };
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @description No job of the handler is dispatched while paused (POST .../pause, .../resume) */
            paused: boolean;
            /** @description Its jobs waiting to be dispatched now */
            queued: number;
            /** @description Its jobs waiting for a due time (delayed jobs and retries) */
            scheduled: number;
            /** @description Its jobs being processed now (each holds one of max_concurrency) */
            in_flight: number;
        };
        /**
         * @example {
         *       "name": "email.send",
         *       "url": "https://hooks.example.com/jobq/email",
         *       "timeout_ms": 30000,
         *       "max_attempts": 5,
         *       "backoff_ms": 1000,
         *       "created_at": "2026-11-28T01:00:00.000Z",
         *       "updated_at": "2026-11-28T01:00:00.000Z",
         *       "headers": {
         *         "authorization": "****3mT8",
         *         "x-tenant": "****"
         *       },
         *       "secret": "whsec_5ZibKGfHs2TBnw6xUjuk+JbBw4EGharwRNqayo3eKds="
         *     }
         */
        CreatedHandler: {
            /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
            name: string;
            /**
             * Format: uri
             * @description http:// or https:// URL the worker POSTs each job to
             */
            url: string;
            /** @description Per attempt; default 30000 */
            timeout_ms: number;
            /** @description Attempts before the job fails for good; default 5 */
            max_attempts: number;
            /** @description First retry delay, doubled each attempt with jitter; default 1000 */
            backoff_ms: number;
            /** @description At most this many callbacks of the handler in flight at once, counted over every worker; null (the default): no limit */
            max_concurrency: number | null;
            /** @description At most this many callbacks started per second on average, over every worker; null (the default): no limit */
            rate_per_second: number | null;
            /** @description The handler may answer 202 Accepted and finish the job later through POST /jobs/{id}/complete or /fail with the callback token; default false (a 202 is a 2xx that completes the job) */
            async: boolean;
            /** @description How long a job taken with 202 stays the handler's without a heartbeat or progress report (unless the 202 says {"lease_ms": N}); default 300000 */
            async_lease_ms: number;
            /** @description How many callbacks the rate lets start at once after a quiet spell; null (the default): rate_per_second rounded up. Needs rate_per_second */
            burst: number | null;
            /** @description The callback headers, each value masked: **** and its last 4 characters, or only **** when it is shorter than 12 */
            headers: {
                [key: string]: string;
            };
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @description No job of the handler is dispatched while paused (POST .../pause, .../resume) */
            paused: boolean;
            /** @description Its jobs waiting to be dispatched now */
            queued: number;
            /** @description Its jobs waiting for a due time (delayed jobs and retries) */
            scheduled: number;
            /** @description Its jobs being processed now (each holds one of max_concurrency) */
            in_flight: number;
            /** @description Standard Webhooks signing secret (whsec_...). Shown only in this answer: keep it. */
            secret: string;
        };
        /**
         * @example {
         *       "jobs": [
         *         {
         *           "task": "email.send",
         *           "entity_id": "user-42",
         *           "args": [
         *             "welcome"
         *           ],
         *           "kwargs": {
         *             "lang": "en"
         *           },
         *           "priority": 2,
         *           "metadata": {
         *             "requested_by": "signup"
         *           }
         *         },
         *         {
         *           "task": "email.send",
         *           "entity_id": "user-43"
         *         }
         *       ]
         *     }
         */
        NewJobBatch: {
            /** @description 1 to 1000 jobs, enqueued atomically, in order */
            jobs: components["schemas"]["NewJob"][];
        };
        /**
         * @example {
         *       "outcome": "created",
         *       "job_id": "VcE1jTf00001",
         *       "status": "queued",
         *       "priority": 2,
         *       "position_in_queue": 3
         *     }
         */
        BatchResult: {
            /** @description As for POST /jobs; no_handler: nothing was enqueued for this item (its task names no handler) */
            outcome: "created" | "priority_raised" | "exists" | "processing" | "no_handler";
            /** @description The job created, already waiting, or running for this entity; null for no_handler */
            job_id: string | null;
            status: ("queued" | "scheduled" | "processing" | "completed" | "failed" | "cancelled") | null;
            priority: (1 | 2 | 3) | null;
            position_in_queue: number | null;
            message?: string;
        };
        /**
         * @example {
         *       "results": [
         *         {
         *           "outcome": "created",
         *           "job_id": "VcE1jTf00001",
         *           "status": "queued",
         *           "priority": 2,
         *           "position_in_queue": 3
         *         },
         *         {
         *           "outcome": "no_handler",
         *           "job_id": null,
         *           "status": null,
         *           "priority": null,
         *           "position_in_queue": null,
         *           "message": "task: no handler named email.sned is registered"
         *         }
         *       ]
         *     }
         */
        BatchResponse: {
            /** @description One per submitted job, in the same order */
            results: components["schemas"]["BatchResult"][];
        };
        QueueSummary: {
            /** @description Name of the queue */
            name: string;
            /** @description Jobs waiting to run */
            queued: number;
            /** @description Jobs whose callback is in flight */
            processing: number;
            /** @description Jobs waiting for their due time (retries) */
            scheduled: number;
            /** @description Jobs in the dead-letter set (retained) */
            failed: number;
            /** @description Completed jobs still retained */
            completed: number;
            /** @description Cancelled jobs still retained */
            cancelled: number;
            /** @description No job is dispatched while paused */
            paused: boolean;
        };
        QueueList: {
            /** @description Every queue the caller may use, by name */
            queues: components["schemas"]["QueueSummary"][];
        };
        /**
         * @description One job state change, as the `data:` of an event whose `id:` is its stream id. Fields beyond the first nine are the change's details and depend on its type; a client should ignore fields it does not know.
         * @example {
         *       "type": "job.completed",
         *       "queue": "default",
         *       "job_id": "VcE1jTf00001",
         *       "entity_id": "user-42",
         *       "task": "email.send",
         *       "status": "completed",
         *       "priority": 1,
         *       "attempt": 1,
         *       "at": "2026-12-02T04:00:00.000Z"
         *     }
         */
        JobEvent: {
            type: "job.enqueued" | "job.priority_changed" | "job.due" | "job.started" | "job.completed" | "job.failed" | "job.retry_scheduled" | "job.released" | "job.cancelled" | "job.progress" | "job.retried";
            /** @description The queue of the job */
            queue: string;
            job_id: string;
            entity_id: string;
            task: string;
            /** @description scheduled: waiting for its due time (delayed, or a retry after a failed attempt); failed: in the dead-letter set */
            status: "queued" | "scheduled" | "processing" | "completed" | "failed" | "cancelled";
            /** @description After the change */
            priority: number;
            /** @description Attempts so far */
            attempt: number;
            /**
             * Format: date-time
             * @description When the change was made
             */
            at: string;
            /** @description job.failed, job.retry_scheduled: why the attempt failed */
            error?: string;
            /**
             * Format: date-time
             * @description job.retry_scheduled, and job.enqueued of a delayed job: when it is due
             */
            next_attempt_at?: string;
            /** @description job.priority_changed: the priority before */
            from?: number;
            /** @description job.progress: how far the handler says it is */
            percent?: number;
            /** @description job.progress: what the handler says it is doing */
            message?: string;
        };
        /**
         * @example {
         *       "cron": "30 2 * * *",
         *       "timezone": "Europe/Berlin",
         *       "job": {
         *         "task": "reports.nightly",
         *         "entity_id": "nightly-report",
         *         "kwargs": {
         *           "format": "pdf"
         *         }
         *       },
         *       "catch_up": "last"
         *     }
         */
        ScheduleSettings: {
            /** @description A cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. "*\/15 * * * *") or 6 with seconds first ("*\/10 * * * * *"); names (MON, JAN), L, W and # as croner reads them */
            cron: string;
            /** @description An IANA timezone name the expression is read in (default UTC); daylight saving time follows it: a daily 02:30 runs once on the day the clocks skip it (just after the gap) and once on the day 02:30 comes twice */
            timezone?: string;
            /** @description The job each tick enqueues, as POST /jobs takes it (without a delay) */
            job: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                task: string;
                /** @description The entity of every tick's job: a tick whose entity still has an active job adds none (outcome exists) */
                entity_id: string;
                /** @description Positional arguments; default [] */
                args?: unknown[];
                /** @description Keyword arguments; default {} */
                kwargs?: {
                    [key: string]: unknown;
                };
                /** @description 1 (highest, default) to 3 */
                priority?: number;
                /** @description Anything the caller wants back; default {} */
                metadata?: {
                    [key: string]: unknown;
                };
            };
            /** @description Ticks missed while no worker ran (or fired more than a second late): "last" (the default) enqueues one job, for the latest of them; "none" enqueues none. Never one job per missed tick */
            catch_up?: "last" | "none";
            /** @description Created (or replaced) paused; default false */
            paused?: boolean;
        };
        /**
         * @example {
         *       "name": "nightly-report",
         *       "cron": "30 2 * * *",
         *       "timezone": "Europe/Berlin",
         *       "job": {
         *         "task": "reports.nightly",
         *         "entity_id": "nightly-report",
         *         "kwargs": {
         *           "format": "pdf"
         *         },
         *         "args": [],
         *         "metadata": {},
         *         "priority": 1
         *       },
         *       "catch_up": "last",
         *       "paused": false,
         *       "next_run_at": "2026-12-03T01:30:00.000Z",
         *       "last_run_at": "2026-12-02T01:30:00.000Z",
         *       "last_job_id": "VcE1jTf00001",
         *       "last_outcome": "created",
         *       "created_at": "2026-11-30T09:12:00.000Z",
         *       "updated_at": "2026-11-30T09:12:00.000Z"
         *     }
         */
        Schedule: {
            /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
            name: string;
            /** @description A cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. "*\/15 * * * *") or 6 with seconds first ("*\/10 * * * * *"); names (MON, JAN), L, W and # as croner reads them */
            cron: string;
            timezone: string;
            job: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                task: string;
                entity_id: string;
                args: unknown[];
                kwargs: {
                    [key: string]: unknown;
                };
                priority: number;
                metadata: {
                    [key: string]: unknown;
                };
            };
            /** @description Ticks missed while no worker ran (or fired more than a second late): "last" (the default) enqueues one job, for the latest of them; "none" enqueues none. Never one job per missed tick */
            catch_up: "last" | "none";
            /** @description A paused schedule fires nothing; resumed, it fires from its next tick */
            paused: boolean;
            /** @description The next tick; null while paused */
            next_run_at: string | null;
            /** @description The tick (or trigger) that last enqueued */
            last_run_at: string | null;
            /** @description The job that tick enqueued (or found active for the entity) */
            last_job_id: string | null;
            /** @description What that enqueue answered, as POST /jobs would; no_handler when the task's handler was deleted */
            last_outcome: "created" | "priority_raised" | "exists" | "processing" | "no_handler" | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        Triggered: {
            outcome: "created" | "priority_raised" | "exists" | "processing";
            job: components["schemas"]["Job"];
            schedule: components["schemas"]["Schedule"];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready";
                    };
                };
            };
            /** @description The one error shape of every route */
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
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enqueueJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewJob"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnqueuedJob"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnqueuedJob"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getJob: {
        parameters: {
            query?: {
                /** @description Wait up to this many ms (0 to 60000) for the job to be completed, failed or cancelled; 0 or absent: answer at once */
                wait_ms?: number;
            };
            header?: never;
            path: {
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled or deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    updateJobPriority: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description 1 (highest) to 3 */
                    priority: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    retryJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    enqueueJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewJobBatch"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResponse"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    heartbeatAttempt: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description The lease from now, in ms; default the handler's async_lease_ms */
                    lease_ms?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    progressAttempt: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    percent?: number;
                    /** @description Up to 1024 bytes of UTF-8 */
                    message?: string;
                    /** @description The lease from now, in ms; default the handler's async_lease_ms */
                    lease_ms?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    completeAttempt: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Any JSON; kept as the job's result (up to JOBQ_RESULT_LIMIT bytes) */
                    result?: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    failAttempt: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Why; kept as the job's last_error */
                    error: string;
                    /** @description false fails the job for good; default true (retried while attempts remain) */
                    retry?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getQueue: {
        parameters: {
            query?: {
                /** @description Add one page of these jobs: queued in dispatch order, processing by lease deadline, failed (the dead-letter set) oldest failure first */
                list?: "queued" | "processing" | "failed";
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description Page size, at most 1000 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Queue"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    pauseQueue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Name of the queue */
                        queue: string;
                        /** @description The queue's state after the call */
                        paused: boolean;
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    resumeQueue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Name of the queue */
                        queue: string;
                        /** @description The queue's state after the call */
                        paused: boolean;
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getHandler: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    putHandler: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HandlerSettings"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedHandler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    deleteHandler: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    rotateHandlerSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description How long the old secrets are still sent; default 86400000 (a day) */
                    grace_ms?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedHandler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    listHandlers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        handlers: components["schemas"]["Handler"][];
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    pauseHandler: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    resumeHandler: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    putSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleSettings"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    listSchedules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        schedules: components["schemas"]["Schedule"][];
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    pauseSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    resumeSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    triggerSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Triggered"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Triggered"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    streamEvents: {
        parameters: {
            query?: {
                /** @description Resume after this event id (as the Last-Event-ID header does, for clients that cannot set it) */
                last_event_id?: string;
                /** @description Only events of this job */
                job_id?: string;
                /** @description Only events of this entity's jobs */
                entity_id?: string;
                /** @description Only events of jobs of this task */
                task?: string;
                /** @description Only these types, comma-separated: job.enqueued, job.priority_changed, job.due, job.started, job.completed, job.failed, job.retry_scheduled, job.released, job.cancelled, job.progress, job.retried */
                types?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream (never ends by itself) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    listQueues: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueList"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    enqueueJobInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewJob"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnqueuedJob"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnqueuedJob"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getJobInQueue: {
        parameters: {
            query?: {
                /** @description Wait up to this many ms (0 to 60000) for the job to be completed, failed or cancelled; 0 or absent: answer at once */
                wait_ms?: number;
            };
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    cancelJobInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled or deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    updateJobPriorityInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description 1 (highest) to 3 */
                    priority: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    retryJobInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description A job_id or an entity_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    enqueueJobsInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewJobBatch"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResponse"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    heartbeatAttemptInQueue: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description The lease from now, in ms; default the handler's async_lease_ms */
                    lease_ms?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    progressAttemptInQueue: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    percent?: number;
                    /** @description Up to 1024 bytes of UTF-8 */
                    message?: string;
                    /** @description The lease from now, in ms; default the handler's async_lease_ms */
                    lease_ms?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    completeAttemptInQueue: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Any JSON; kept as the job's result (up to JOBQ_RESULT_LIMIT bytes) */
                    result?: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    failAttemptInQueue: {
        parameters: {
            query?: never;
            header?: {
                /** @description The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback */
                "jobq-callback-token"?: string;
            };
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The job_id the callback carried */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Why; kept as the job's last_error */
                    error: string;
                    /** @description false fails the job for good; default true (retried while attempts remain) */
                    retry?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getNamedQueue: {
        parameters: {
            query?: {
                /** @description Add one page of these jobs: queued in dispatch order, processing by lease deadline, failed (the dead-letter set) oldest failure first */
                list?: "queued" | "processing" | "failed";
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description Page size, at most 1000 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Queue"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    pauseNamedQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Name of the queue */
                        queue: string;
                        /** @description The queue's state after the call */
                        paused: boolean;
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    resumeNamedQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Name of the queue */
                        queue: string;
                        /** @description The queue's state after the call */
                        paused: boolean;
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getHandlerInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    putHandlerInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HandlerSettings"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedHandler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    deleteHandlerInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    rotateHandlerSecretInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description How long the old secrets are still sent; default 86400000 (a day) */
                    grace_ms?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedHandler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    listHandlersInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        handlers: components["schemas"]["Handler"][];
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    pauseHandlerInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    resumeHandlerInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Handler"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    getScheduleInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    putScheduleInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleSettings"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    deleteScheduleInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    listSchedulesInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        schedules: components["schemas"]["Schedule"][];
                    };
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    pauseScheduleInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    resumeScheduleInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    triggerScheduleInQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
                /** @description The schedule's name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Triggered"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Triggered"];
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
    streamEventsInQueue: {
        parameters: {
            query?: {
                /** @description Resume after this event id (as the Last-Event-ID header does, for clients that cannot set it) */
                last_event_id?: string;
                /** @description Only events of this job */
                job_id?: string;
                /** @description Only events of this entity's jobs */
                entity_id?: string;
                /** @description Only events of jobs of this task */
                task?: string;
                /** @description Only these types, comma-separated: job.enqueued, job.priority_changed, job.due, job.started, job.completed, job.failed, job.retry_scheduled, job.released, job.cancelled, job.progress, job.retried */
                types?: string;
            };
            header?: never;
            path: {
                /** @description Name of a queue: 1-64 of A-Z a-z 0-9 _ . - */
                queue: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream (never ends by itself) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The one error shape of every route */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The one error shape of every route */
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
}
