/// The OpenAPI 3.0 description of the control-plane API, served at `/openapi.json`.
///
/// Kept as a literal beside the routes it describes: a route added without its entry here is a
/// review finding (and `OpenAPITests` checks every served route is listed).
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "Berth control plane",
            "version": "1.0",
            "description": "Models, compute targets, services and long operations of a Berth workspace. Every call except this document needs 'Authorization: Bearer <admin token>' (the token is in $BERTH_HOME/admin-token) or an unexpired SDK token (POST /api/v1/sdk/token). Errors are {\"error\": {\"code\", \"message\", \"requestId\"}}."
          },
          "components": {
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {
              "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "requestId": {"type": "string"}}}}},
              "ArtifactFile": {"type": "object", "required": ["path", "digest", "sizeBytes"], "properties": {
                "path": {"type": "string"}, "digest": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
                "sizeBytes": {"type": "integer"}}},
              "Model": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
                "description": {"type": "string", "nullable": true},
                "kvTags": {"type": "object", "additionalProperties": {"type": "string"}},
                "properties": {"type": "object", "additionalProperties": {"type": "string"}},
                "createdTime": {"type": "string", "format": "date-time"}, "isFolder": {"type": "boolean"},
                "files": {"type": "array", "items": {"$ref": "#/components/schemas/ArtifactFile"}},
                "sizeBytes": {"type": "integer"}}},
              "RegisterModel": {"type": "object", "required": ["name", "files"], "properties": {
                "name": {"type": "string"}, "description": {"type": "string"},
                "kvTags": {"type": "object", "additionalProperties": {"type": "string"}},
                "properties": {"type": "object", "additionalProperties": {"type": "string"}},
                "isFolder": {"type": "boolean"},
                "files": {"type": "array", "items": {"$ref": "#/components/schemas/ArtifactFile"}}}},
              "ComputeTarget": {"type": "object", "properties": {
                "name": {"type": "string"}, "computeType": {"type": "string", "enum": ["Local", "Kubernetes"]},
                "clusterPurpose": {"type": "string", "enum": ["FastProd", "DevTest"]},
                "provisioningState": {"type": "string", "enum": ["Creating", "Succeeded", "Failed", "Deleting", "Updating"]},
                "provisioningErrors": {"type": "array", "items": {"type": "string"}},
                "capacity": {"type": "object", "properties": {"agentCount": {"type": "integer"},
                  "agentVmSize": {"type": "string"}, "cores": {"type": "number"}, "memoryInGB": {"type": "number"},
                  "gpus": {"type": "integer"}}},
                "machineCores": {"type": "integer"}, "machineMemoryInGB": {"type": "number"},
                "createdOn": {"type": "string", "format": "date-time"},
                "modifiedOn": {"type": "string", "format": "date-time"}}},
              "CreateCompute": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "computeType": {"type": "string", "enum": ["Local"]},
                "clusterPurpose": {"type": "string", "enum": ["FastProd", "DevTest"]},
                "agentCount": {"type": "integer"}, "vmSize": {"type": "string"},
                "cores": {"type": "number"}, "memoryInGB": {"type": "number"}, "description": {"type": "string"}}},
              "Operation": {"type": "object", "properties": {
                "id": {"type": "string"}, "operationType": {"type": "string"},
                "state": {"type": "string", "enum": ["NotStarted", "Running", "Succeeded", "Failed", "Cancelled", "TimedOut"]},
                "resourceLocation": {"type": "string"}, "createdTime": {"type": "string", "format": "date-time"},
                "endTime": {"type": "string", "format": "date-time"},
                "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "log": {"type": "array", "items": {"type": "object", "properties": {
                  "time": {"type": "string", "format": "date-time"}, "message": {"type": "string"}}}}}},
              "DeployRequest": {"type": "object", "required": ["name", "computeName", "models", "inferenceConfig", "baseDirectory"], "properties": {
                "name": {"type": "string"}, "computeName": {"type": "string", "description": "The compute target (--ct); empty: the deployment config's computeTargetName"},
                "models": {"type": "array", "items": {"type": "string", "description": "name:version"}, "minItems": 1, "maxItems": 1000},
                "inferenceConfig": {"type": "string", "description": "The text of inferenceconfig.json"},
                "deploymentConfig": {"type": "string", "description": "The text of deploymentconfig.json; its keys.primaryKey/secondaryKey (16+ characters, no whitespace) become the service's keys, and its tags, properties and description are used when the fields below are absent"},
                "baseDirectory": {"type": "string", "description": "The folder the inference config's paths are relative to"},
                "overwrite": {"type": "boolean"},
                "description": {"type": "string"},
                "kvTags": {"type": "object", "additionalProperties": {"type": "string"}},
                "properties": {"type": "object", "additionalProperties": {"type": "string"}}}},
              "Webservice": {"type": "object", "properties": {
                "name": {"type": "string"}, "computeName": {"type": "string"}, "computeType": {"type": "string"},
                "models": {"type": "array", "items": {"type": "string"}},
                "state": {"type": "string", "enum": ["Transitioning", "Healthy", "Unhealthy", "Failed", "Unschedulable", "Deleting"]},
                "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "desiredReplicas": {"type": "integer"}, "readyReplicas": {"type": "integer"},
                "scoringUri": {"type": "string"}, "swaggerUri": {"type": "string"},
                "inferenceConfig": {"type": "object"}, "deploymentConfig": {"type": "object"},
                "createdTime": {"type": "string", "format": "date-time"}, "updatedTime": {"type": "string", "format": "date-time"},
                "description": {"type": "string"},
                "kvTags": {"type": "object", "additionalProperties": {"type": "string"}},
                "properties": {"type": "object", "additionalProperties": {"type": "string"}},
                "autoscaler": {"type": "object", "description": "In GET /services/{name} only: the autoscaler's rules, live utilization (percent), last decision, capacity limit and last events", "properties": {
                  "enabled": {"type": "boolean"}, "minReplicas": {"type": "integer"}, "maxReplicas": {"type": "integer"},
                  "targetUtilization": {"type": "integer"}, "currentReplicas": {"type": "integer"}, "desiredReplicas": {"type": "integer"},
                  "utilization": {"type": "number"}, "averageInFlight": {"type": "number"}, "limitedBy": {"type": "string"},
                  "lastDecision": {"type": "string"},
                  "events": {"type": "array", "items": {"type": "object", "properties": {
                    "time": {"type": "string", "format": "date-time"}, "kind": {"type": "string", "enum": ["ScaleUp", "ScaleDown", "CapacityLimited"]},
                    "fromReplicas": {"type": "integer"}, "toReplicas": {"type": "integer"}, "reason": {"type": "string"}}}}}}}}
            }
          },
          "security": [{"adminToken": []}],
          "paths": {
            "/health": {"get": {"summary": "Liveness of the control plane", "security": [], "responses": {"200": {"description": "OK"}}}},
            "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OK"}}}},
            "/api/v1/artifacts": {"post": {"summary": "Upload bytes into the content-addressed artifact store",
              "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
              "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {"type": "object", "properties": {"digest": {"type": "string"}, "sizeBytes": {"type": "integer"}}}}}}}}},
            "/api/v1/artifacts/{digest}": {"get": {"summary": "Download an artifact's bytes",
              "parameters": [{"name": "digest", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "The bytes"}, "404": {"description": "Unknown digest"}}}},
            "/api/v1/models": {
              "get": {"summary": "List models", "parameters": [
                {"name": "name", "in": "query", "schema": {"type": "string"}},
                {"name": "tag", "in": "query", "description": "key or key=value", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "{\"value\": [Model]}"}}},
              "post": {"summary": "Register a model version (files uploaded first)",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegisterModel"}}}},
                "responses": {"201": {"description": "Registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Model"}}}},
                  "400": {"description": "Bad name or files", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/api/v1/models/{id}": {
              "parameters": [{"name": "id", "in": "path", "required": true, "description": "name:version, or name for the latest", "schema": {"type": "string"}}],
              "get": {"summary": "Show a model", "responses": {"200": {"description": "Model"}, "404": {"description": "Not found"}}},
              "delete": {"summary": "Delete a model version (refused while a service uses it)",
                "responses": {"200": {"description": "Deleted"}, "409": {"description": "In use"}}}},
            "/api/v1/computes": {
              "get": {"summary": "List compute targets", "responses": {"200": {"description": "{\"value\": [ComputeTarget]}"}}},
              "post": {"summary": "Create a local cluster",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateCompute"}}}},
                "responses": {"202": {"description": "Operation; header Operation-Location", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Operation"}}}},
                  "409": {"description": "Name taken"}, "422": {"description": "Capacity below the purpose's minimum"},
                  "501": {"description": "Kubernetes attachment not available yet"}}}},
            "/api/v1/computes/{name}": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "Show a compute target", "responses": {"200": {"description": "ComputeTarget"}}},
              "delete": {"summary": "Delete or detach a compute target", "parameters": [
                {"name": "underlyingResourceAction", "in": "query", "schema": {"type": "string", "enum": ["delete", "detach"]}}],
                "responses": {"200": {"description": "Deleted"}, "409": {"description": "Services still run on it"}}}},
            "/api/v1/operations/{id}": {"get": {"summary": "A long operation's state and log",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
              "responses": {"200": {"description": "Operation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Operation"}}}}}}},
            "/api/v1/services": {
              "get": {"summary": "List services; with tag/property, only those having every one given",
                "parameters": [{"name": "tag", "in": "query", "description": "key or key=value; repeatable, all must match", "schema": {"type": "string"}},
                  {"name": "property", "in": "query", "description": "key or key=value; repeatable, all must match", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "{\"value\": [Webservice]}"}}},
              "post": {"summary": "Deploy models with an inference config and a deployment config (berth model deploy)",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeployRequest"}}}},
                "responses": {"202": {"description": "Operation; header Operation-Location", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Operation"}}}},
                  "400": {"description": "Bad name or config (the message names the file and field)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  "404": {"description": "Unknown model or compute target"},
                  "409": {"description": "The service exists (without overwrite) or another operation on it runs"}}}},
            "/api/v1/services/{name}": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "Show a service", "responses": {"200": {"description": "Webservice", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Webservice"}}}}, "404": {"description": "Not found"}}},
              "patch": {"summary": "Update a live service (Azure's Webservice.update): new models, inference config or partial deployment config. Code, model and start-setting changes roll the replicas with no failed request; others apply without restarts",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                  "models": {"type": "array", "items": {"type": "string"}}, "inferenceConfig": {"type": "string"},
                  "baseDirectory": {"type": "string"}, "deploymentConfig": {"type": "string", "description": "A partial deploymentconfig.json; fields given replace the current ones (its tags, properties and description are used when the fields below are absent; keys and computeTargetName are not changed by an update)"},
                  "description": {"type": "string"},
                  "kvTags": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Replaces all tags"},
                  "properties": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Added to the current properties; none is removed"}}}}}},
                "responses": {"202": {"description": "Operation; header Operation-Location"}, "400": {"description": "Nothing to update, or a bad config (names the field)"}, "404": {"description": "Unknown service or model"}, "409": {"description": "Another operation runs"}}},
              "delete": {"summary": "Delete a service and stop its replicas",
                "responses": {"202": {"description": "Operation; header Operation-Location"}, "404": {"description": "Not found"}, "409": {"description": "Another operation runs"}}}},
            "/api/v1/services/{name}/keys": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "The service's primary and secondary keys",
                "responses": {"200": {"description": "{\"primaryKey\", \"secondaryKey\"}"}, "400": {"description": "authEnabled is false"}}}},
            "/api/v1/services/{name}/regenerateKeys": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "post": {"summary": "Regenerate (or set) one key; the old value stops working at once",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["keyType"], "properties": {
                  "keyType": {"type": "string", "enum": ["Primary", "Secondary"]}, "keyValue": {"type": "string"}}}}}},
                "responses": {"200": {"description": "{\"primaryKey\", \"secondaryKey\"}"}, "400": {"description": "Bad key type or value"}}}},
            "/api/v1/services/{name}/logs": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "tail", "in": "query", "schema": {"type": "integer", "default": 5000}},
                {"name": "replica", "in": "query", "schema": {"type": "string"}},
                {"name": "init", "in": "query", "description": "true: the last deploy or update operation's log, then each replica's start-up and its workers' init() output", "schema": {"type": "boolean", "default": false}}],
              "get": {"summary": "The replicas' logs", "responses": {"200": {"description": "{\"content\": text}"}}}},
            "/api/v1/services/{name}/token": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "post": {"summary": "An access token (JWT, ES256) for a service with tokenAuthEnabled",
                "responses": {"200": {"description": "{\"accessToken\", \"tokenType\": \"Bearer\", \"refreshAfter\", \"expiryOn\"} (epoch seconds)"},
                  "400": {"description": "tokenAuthEnabled is false"}, "404": {"description": "Not found"}}}},
            "/api/v1/workspace/rotateSigningKey": {
              "post": {"summary": "Sign new tokens with a new key; tokens already issued verify until they expire",
                "responses": {"200": {"description": "{\"kid\", \"previousKid\", \"previousValidUntil\"}"}}}},
            "/api/v1/sdk/token": {
              "post": {"summary": "A token for Azure ML's Python SDK (berth sdk env): a JWT (ES256, aud 'berth:sdk') that every admin call accepts in place of the admin token until it expires (401 then, saying to run eval \"$(berth sdk env)\" again), plus the names the SDK addresses the workspace by. Needs the admin token itself (403 for an SDK token)",
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 8, "description": "How long the token lasts"}}}}}},
                "responses": {"200": {"description": "SDKCredentials", "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "accessToken": {"type": "string"}, "expiresOn": {"type": "string", "format": "date-time"},
                  "subscriptionId": {"type": "string"}, "resourceGroup": {"type": "string"},
                  "workspaceName": {"type": "string"}, "cloudName": {"type": "string"}}}}}},
                  "400": {"description": "'hours' is not an integer from 1 to 168"}, "403": {"description": "Called with an SDK token"}}}},
            "/api/v1/sdk/workspace": {
              "get": {"summary": "The names Azure ML's SDK addresses this workspace by (berth sdk config): subscriptionId, resourceGroup, workspaceName, workspaceId, location, cloudName, storageAccount, storageSuffix",
                "responses": {"200": {"description": "AzureWorkspaceIdentity"}}}},
            "/api/v1/environments": {
              "get": {"summary": "The cached Python environments (workspace and machine-wide): hash, location, path, sizeBytes, lastUsed, services",
                "responses": {"200": {"description": "{\"value\": [CachedEnvironment]}"}}}},
            "/api/v1/environments/prune": {
              "post": {"summary": "Remove cached environments no service runs: this workspace's at once (after an hour without use), machine-wide ones unused for olderThanDays (30)",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"olderThanDays": {"type": "integer"}, "dryRun": {"type": "boolean"}}}}}},
                "responses": {"200": {"description": "{\"removed\": [CachedEnvironment], \"freedBytes\", \"dryRun\"}"},
                  "400": {"description": "olderThanDays is negative"}}}},
            "/api/v1/routers/load": {
              "post": {"summary": "A router running elsewhere (e.g. in an attached cluster) reports its load for the services of the compute target it serves; the autoscaler sums all routers' reports (auth: the admin token, or the feed token of the compute target named)",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["router", "compute", "services"], "properties": {
                  "router": {"type": "string", "minLength": 1, "maxLength": 253, "pattern": "^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", "description": "The router's id within its compute target (its Pod name)"},
                  "compute": {"type": "string", "description": "The compute target the router serves; every service named runs there"},
                  "services": {"type": "object", "maxProperties": 10000, "additionalProperties": {"type": "object", "required": ["inFlight", "queued"], "properties": {
                    "inFlight": {"type": "integer", "minimum": 0, "maximum": 1000000}, "queued": {"type": "integer", "minimum": 0, "maximum": 1000000}}}}}}}}},
                "responses": {"204": {"description": "Kept for 3 s or until the same router's next report"},
                  "400": {"description": "Malformed report, or an unknown compute target or service (the message names the field); nothing is kept"},
                  "401": {"description": "Neither the admin token nor the feed token of the compute target named"},
                  "403": {"description": "A service named runs on another compute target; nothing is kept"},
                  "503": {"description": "Too many routers (in all, or of this compute target) report already"}}},
              "get": {"summary": "The routers whose load reports count now", "responses": {"200": {"description": "{\"routers\": [\"compute/router\"]}"}}}},
            "/api/v1/routes": {
              "get": {"summary": "The route table of an attached cluster's routers (auth: the cluster's feed token, not the admin token)",
                "parameters": [{"name": "compute", "in": "query", "required": true, "schema": {"type": "string"}},
                  {"name": "watch", "in": "query", "schema": {"type": "boolean", "default": false}},
                  {"name": "heartbeatSeconds", "in": "query", "schema": {"type": "integer", "default": 15}},
                  {"name": "timeoutSeconds", "in": "query", "schema": {"type": "integer", "default": 300}}],
                "responses": {"200": {"description": "RouteTable; with watch=true newline-delimited {\"type\": \"routes\"|\"heartbeat\", \"table\"}"},
                  "401": {"description": "Missing or wrong feed token"}, "503": {"description": "No table built yet"}}}},
            "/api/v1/endpoints": {
              "get": {"summary": "List endpoints", "responses": {"200": {"description": "{\"value\": [Endpoint]}"}}},
              "post": {"summary": "Create an endpoint with its first (default) version",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["name", "computeName", "version"]}}}},
                "responses": {"202": {"description": "The version's deploy operation; header Operation-Location"},
                  "400": {"description": "Bad name, config or traffic rule (the message names the rule)"},
                  "409": {"description": "The name is taken (services and endpoints share names) or a change runs"}}}},
            "/api/v1/endpoints/{name}": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "Show an endpoint and its versions", "responses": {"200": {"description": "Endpoint"}, "404": {"description": "Not found"}}},
              "patch": {"summary": "Change endpoint-level authEnabled, tokenAuthEnabled or description (never both auths on)",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                  "authEnabled": {"type": "boolean"}, "tokenAuthEnabled": {"type": "boolean"}, "description": {"type": "string"}}}}}},
                "responses": {"200": {"description": "Endpoint"}, "400": {"description": "Both auths on"}}},
              "delete": {"summary": "Take the endpoint off the router, then delete its versions' deployments",
                "responses": {"200": {"description": "{\"value\": [Operation]} of the version deletes"}}}},
            "/api/v1/endpoints/{name}/versions": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "post": {"summary": "Add a version (at most 6; percentiles sum to at most 100)",
                "responses": {"202": {"description": "The version's deploy operation"}, "400": {"description": "A broken traffic rule, named"}}}},
            "/api/v1/endpoints/{name}/versions/{version}": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "version", "in": "path", "required": true, "schema": {"type": "string"}}],
              "patch": {"summary": "Change a version's trafficPercentile, isDefault or isControlVersionType; the router splits by it at once",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                  "trafficPercentile": {"type": "number"}, "isDefault": {"type": "boolean"}, "isControlVersionType": {"type": "boolean"}}}}}},
                "responses": {"200": {"description": "Endpoint"}, "400": {"description": "A broken traffic rule, named"}}},
              "delete": {"summary": "Take the version out of the split, then delete its deployment (refused for the default while others exist)",
                "responses": {"200": {"description": "{\"value\": [Operation]}"}, "400": {"description": "A broken rule, named"}}}},
            "/api/v1/endpoints/{name}/keys": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "The endpoint's primary and secondary keys", "responses": {"200": {"description": "{\"primaryKey\", \"secondaryKey\"}"}}}},
            "/api/v1/endpoints/{name}/regenerateKeys": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "post": {"summary": "Regenerate (or set) one endpoint key", "responses": {"200": {"description": "{\"primaryKey\", \"secondaryKey\"}"}}}},
            "/api/v1/endpoints/{name}/token": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "post": {"summary": "An access token for an endpoint with tokenAuthEnabled", "responses": {"200": {"description": "AccessToken"}}}},
            "/api/v1/endpoints/{name}/metrics": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "window", "in": "query", "schema": {"type": "integer", "default": 60, "minimum": 1, "maximum": 300}}],
              "get": {"summary": "Per-version requests, 5xx errors and p50/p95/p99 latency over the window, measured by the router",
                "responses": {"200": {"description": "{\"value\": [{\"version\", \"windowSeconds\", \"requests\", \"errors\", \"p50Ms\", \"p95Ms\", \"p99Ms\"}]}"}}}}
          }
        }
        """#
}
