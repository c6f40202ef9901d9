// @ts-nocheck -- openapi-generator 4.3.1 output (see scripts/generate.ts).
/* tslint:disable */
/* eslint-disable */
/**
 * Kassa24 Terminal BVU — merchant web service
 * The web service a merchant runs for the **Kassa24 Terminal BVU** payment method of the JetPay payment platform (Kazakhstan, KZT). A customer at a Kassa24 virtual terminal tops up an account held at the merchant. The platform calls this service three times per payment, always `POST` with a JSON body, always signed:  1. `verify` (to `POST /terminal`) — does the account `customer_id` exist? 2. `check_deposit` (to `POST /terminal`) — the customer pays `amount` into `customer_id`;    answer with a `payment_id` unique on the merchant side. 3. The Gate callback (to `POST /callback`) — the final result of that payment; `payment.id` is    the `payment_id` returned for `check_deposit`.  ## HTTP status and protocol code  `POST /terminal` always answers **HTTP 200** (except `413` for an oversized body and `403` for a source address outside the configured allow-list); the outcome is the body\'s `code`: `0` success, `400` signature invalid, `404` account does not exist, `500` general error with the reason in `error_description`.  `POST /callback` answers **HTTP 200 only once the callback is durably stored**. Any other status means \"not stored, deliver again\": the platform redelivers undelivered callbacks (6 times every 10 s, then with growing pauses, up to 120 attempts within 11 days).  Either URL takes any of the three requests, told apart by the body (a callback has a `payment` object and no `type`): a Gate callback posted to `/terminal` is handled and answered as at `POST /callback`, a `verify` or `check_deposit` posted to `/callback` as at `POST /terminal`. So a merchant who gives the platform one URL for everything loses nothing.  ## Signature  Every request and callback carries a signature: HMAC-SHA512, Base64-encoded (88 characters), keyed with the project\'s secret, over a *stamp* of the body. Two algorithms make the stamp, and this service accepts a signature made by either one, with any of the project\'s secrets (several while a secret is being rotated).  **Where the signature is.** In the top-level field `signature`, or else in `general.signature` (where the platform\'s PHP SDK also looks). A body that carries both, or neither, is refused with an `error_description` that says which. `POST /terminal` takes it at the top level only.  **The documented algorithm** (the platform\'s documentation; what this service signs with by default):  1. Leave out the signature field itself (`signature`, or `signature` inside `general`). 2. Flatten the JSON object into `key:value` entries; a nested object\'s keys are joined with `:`    (`payment:sum:amount:10000`); array items use their index (`items:0:name:x`). Keys are    lower-cased (ASCII `A`–`Z` only). 3. `true`/`false` become `1`/`0`, `null` the empty string, numbers their decimal text as written    (integers keep every digit), strings stay as they are. Empty objects and arrays contribute    nothing (so `general` holding only the signature contributes nothing). 4. At most three levels are descended: an object or array met at the fourth level contributes    one entry, its key path followed by `:`. 5. Sort the entries by key in natural order (PHP `ksort(..., SORT_NATURAL)`: digit runs compare    by value, other bytes by value), join them with `;`.  **The SDK algorithm** (the platform\'s reference PHP SDK, `SignatureHandler` and `Callback`, as published today) differs in four points, and is otherwise the same:  - every `signature` key whose value is not `null` is left out, at any depth; - keys keep their case, and a `:` inside a key is written `::`; - there is no depth limit: every level is descended; - every key named `frame_mode` is left out, at any depth.  For a body whose keys are lower-case, hold no `:`, and nest at most three levels, with no `frame_mode` key and no second `signature`, both algorithms give the same stamp.  For the body `{\"type\":\"verify\",\"customer_id\":\"7123456789\",\"project_id\":1234}` and the secret `kassa24-demo-secret` the stamp is `customer_id:7123456789;project_id:1234;type:verify` under both, and the signature is `0lvNaRTa54GLdwDfGlgDWV1BP860AZLVAbKNw4Rr9IYGxbL1ksCV0rsP7/tllftFPPAnNJIwmiSL+pwzLb/Dwg==`. For `{\"project_id\":1234,\"redirectData\":{\"url\":\"u\"}}` the documented stamp is `project_id:1234;redirectdata:url:u` and the SDK\'s `project_id:1234;redirectData:url:u`.  ## Payment statuses  What the `payment.status` of a callback does to the payment:  | status | effect | | --- | --- | | `success` | the payment is successful; the account is credited, exactly once | | `decline`, `error`, `cancelled`, `canceled`, `expired`, `internal error`, `external error` | the payment is marked failed; nothing is credited | | any other (`processing`, `awaiting customer`, `external processing`, …) | intermediate: recorded, the payment stays pending |  Statuses are compared exactly (case-sensitive). `canceled` is the PHP SDK\'s spelling since 2025, `cancelled` the older one; both mean the same.  ## Amounts  Amounts are integers in minor currency units (KZT has two: `10000` is 100.00 KZT). Currency codes are ISO 4217 alpha-3.  ## Text  A callback\'s `payment.id` and `payment.status` must not hold the character U+0000 (NUL, `\\u0000` in JSON): the service keeps them in columns of its own, and not every store it runs on can hold it. Such a callback breaks the contract (`400`, `payment.id: must not contain U+0000 (NUL)`) and is kept for review. Anywhere else U+0000 refuses nothing: other fields are kept only in the raw body, as JSON text (`customer_id` admits no control character at all).  Bodies are JSON in UTF-8. A string escape of half of a UTF-16 surrogate pair without the other (`\"\\ud800\"` alone) is not valid JSON here, as in PHP\'s `json_decode`: such a body is refused before its signature is checked (`request body is not valid JSON: unpaired UTF-16 surrogate in string at offset …`), since no text it could stand for can be signed or stored. 
 *
 * The version of the OpenAPI document: 1.2.4
 * 
 *
 * NOTE: This class is auto generated by OpenAPI Generator (https://openapi-generator.tech).
 * https://openapi-generator.tech
 * Do not edit the class manually.
 */


import * as runtime from '../runtime.js';
import {
    Callback,
    CallbackFromJSON,
    CallbackToJSON,
    CallbackAck,
    CallbackAckFromJSON,
    CallbackAckToJSON,
    ErrorResponse,
    ErrorResponseFromJSON,
    ErrorResponseToJSON,
    TerminalRequest,
    TerminalRequestFromJSON,
    TerminalRequestToJSON,
    TerminalResponse,
    TerminalResponseFromJSON,
    TerminalResponseToJSON,
} from '../models/index.js';

export interface CallbackRequest {
    callback: Callback;
}

export interface TerminalOperationRequest {
    terminalRequest: TerminalRequest;
}

/**
 * 
 */
export class PlatformApi extends runtime.BaseAPI {

    /**
     * The platform\'s standard Gate callback with the result of a payment; `payment.id` is the `payment_id` this service issued for `check_deposit`.  Every correctly signed callback is stored durably (raw body, time received) before it is answered `200`. Then:  - `success` marks the payment successful and credits the account exactly once, however   many times, in whatever order and however concurrently the callback is delivered; - `decline`, `error`, `cancelled`, `canceled`, `expired`, `internal error` and   `external error` mark the payment failed; - intermediate statuses (`processing`, `awaiting customer`, `external processing`, …) are   recorded and leave the payment pending; - a `payment.id` this service never issued, or an amount or currency different from the   deposit, is kept and flagged for review and credits nothing.  The signature may be at the top level or in `general.signature`, made by either algorithm (see the API description).  Any answer other than `200` means the callback was not stored and must be delivered again: `403` for a missing, doubled or wrong signature or an unknown project (nothing is stored or credited; redelivery lets the operator fix a wrong key), `400` for a body that breaks this contract, `503` while the store cannot write.  **A verify or check_deposit posted here.** The method\'s URL belongs at `POST /terminal`. Should it be set to this URL instead, a body with `type` and no `payment` object is taken for the request it is: handled exactly as at `POST /terminal` and answered as there (HTTP `200`, the outcome in `code`), so that a customer who has paid is not left without a payment id. 
     * Payment result (Gate callback)
     */
    async callbackRaw(requestParameters: CallbackRequest): Promise<runtime.ApiResponse<CallbackAck>> {
        if (requestParameters.callback === null || requestParameters.callback === undefined) {
            throw new runtime.RequiredError('callback','Required parameter requestParameters.callback was null or undefined when calling callback.');
        }

        const queryParameters: runtime.HTTPQuery = {};

        const headerParameters: runtime.HTTPHeaders = {};

        headerParameters['Content-Type'] = 'application/json';

        const response = await this.request({
            path: `/callback`,
            method: 'POST',
            headers: headerParameters,
            query: queryParameters,
            body: CallbackToJSON(requestParameters.callback),
        });

        return new runtime.JSONApiResponse(response, (jsonValue) => CallbackAckFromJSON(jsonValue));
    }

    /**
     * The platform\'s standard Gate callback with the result of a payment; `payment.id` is the `payment_id` this service issued for `check_deposit`.  Every correctly signed callback is stored durably (raw body, time received) before it is answered `200`. Then:  - `success` marks the payment successful and credits the account exactly once, however   many times, in whatever order and however concurrently the callback is delivered; - `decline`, `error`, `cancelled`, `canceled`, `expired`, `internal error` and   `external error` mark the payment failed; - intermediate statuses (`processing`, `awaiting customer`, `external processing`, …) are   recorded and leave the payment pending; - a `payment.id` this service never issued, or an amount or currency different from the   deposit, is kept and flagged for review and credits nothing.  The signature may be at the top level or in `general.signature`, made by either algorithm (see the API description).  Any answer other than `200` means the callback was not stored and must be delivered again: `403` for a missing, doubled or wrong signature or an unknown project (nothing is stored or credited; redelivery lets the operator fix a wrong key), `400` for a body that breaks this contract, `503` while the store cannot write.  **A verify or check_deposit posted here.** The method\'s URL belongs at `POST /terminal`. Should it be set to this URL instead, a body with `type` and no `payment` object is taken for the request it is: handled exactly as at `POST /terminal` and answered as there (HTTP `200`, the outcome in `code`), so that a customer who has paid is not left without a payment id. 
     * Payment result (Gate callback)
     */
    async callback(requestParameters: CallbackRequest): Promise<CallbackAck> {
        const response = await this.callbackRaw(requestParameters);
        return await response.value();
    }

    /**
     * The one URL the platform is configured with for the Kassa24 Terminal BVU method. It takes both requests and tells them apart by `type`:  - `verify` — does the account exist? Success answers `code: 0` with the account\'s   `currency` (and `additional_customer_id` when the merchant keeps one). - `check_deposit` — the customer is paying `amount` into `customer_id`. Success answers   `code: 0` with a new `payment_id`, unique on the merchant side; the platform later sends   it back as `payment.id` in the callback.  The answer is always HTTP 200 with the outcome in `code`: `400` when the signature is missing or wrong or `project_id` is unknown, `404` when the account does not exist or is closed, `500` for everything else (a field that breaks this contract, a currency other than the account\'s, an amount outside the project\'s limits, a store that is temporarily unavailable), always with a human-readable `error_description`.  **A Gate callback posted here.** The project\'s callback URL belongs at `POST /callback`. Should it be set to this URL instead, a body without `type` that carries a `payment` object is taken for the Gate callback it is: handled exactly as at `POST /callback` and answered as there (`200` with a `CallbackAck` only once it is stored; `400`, `403` or `503` otherwise), so that no payment result is acknowledged here without being stored. 
     * Account check (verify) and payment id request (check_deposit)
     */
    async terminalRaw(requestParameters: TerminalOperationRequest): Promise<runtime.ApiResponse<TerminalResponse>> {
        if (requestParameters.terminalRequest === null || requestParameters.terminalRequest === undefined) {
            throw new runtime.RequiredError('terminalRequest','Required parameter requestParameters.terminalRequest was null or undefined when calling terminal.');
        }

        const queryParameters: runtime.HTTPQuery = {};

        const headerParameters: runtime.HTTPHeaders = {};

        headerParameters['Content-Type'] = 'application/json';

        const response = await this.request({
            path: `/terminal`,
            method: 'POST',
            headers: headerParameters,
            query: queryParameters,
            body: TerminalRequestToJSON(requestParameters.terminalRequest),
        });

        return new runtime.JSONApiResponse(response, (jsonValue) => TerminalResponseFromJSON(jsonValue));
    }

    /**
     * The one URL the platform is configured with for the Kassa24 Terminal BVU method. It takes both requests and tells them apart by `type`:  - `verify` — does the account exist? Success answers `code: 0` with the account\'s   `currency` (and `additional_customer_id` when the merchant keeps one). - `check_deposit` — the customer is paying `amount` into `customer_id`. Success answers   `code: 0` with a new `payment_id`, unique on the merchant side; the platform later sends   it back as `payment.id` in the callback.  The answer is always HTTP 200 with the outcome in `code`: `400` when the signature is missing or wrong or `project_id` is unknown, `404` when the account does not exist or is closed, `500` for everything else (a field that breaks this contract, a currency other than the account\'s, an amount outside the project\'s limits, a store that is temporarily unavailable), always with a human-readable `error_description`.  **A Gate callback posted here.** The project\'s callback URL belongs at `POST /callback`. Should it be set to this URL instead, a body without `type` that carries a `payment` object is taken for the Gate callback it is: handled exactly as at `POST /callback` and answered as there (`200` with a `CallbackAck` only once it is stored; `400`, `403` or `503` otherwise), so that no payment result is acknowledged here without being stored. 
     * Account check (verify) and payment id request (check_deposit)
     */
    async terminal(requestParameters: TerminalOperationRequest): Promise<TerminalResponse> {
        const response = await this.terminalRaw(requestParameters);
        return await response.value();
    }

}
