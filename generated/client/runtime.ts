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


export const BASE_PATH = "http://localhost:8080".replace(/\/+$/, "");

const isBlob = (value: any) => typeof Blob !== 'undefined' && value instanceof Blob;

/**
 * This is the base class for all generated API classes.
 */
export class BaseAPI {

    private middleware: Middleware[];

    constructor(protected configuration = new Configuration()) {
        this.middleware = configuration.middleware;
    }

    withMiddleware<T extends BaseAPI>(this: T, ...middlewares: Middleware[]) {
        const next = this.clone<T>();
        next.middleware = next.middleware.concat(...middlewares);
        return next;
    }

    withPreMiddleware<T extends BaseAPI>(this: T, ...preMiddlewares: Array<Middleware['pre']>) {
        const middlewares = preMiddlewares.map((pre) => ({ pre }));
        return this.withMiddleware<T>(...middlewares);
    }

    withPostMiddleware<T extends BaseAPI>(this: T, ...postMiddlewares: Array<Middleware['post']>) {
        const middlewares = postMiddlewares.map((post) => ({ post }));
        return this.withMiddleware<T>(...middlewares);
    }

    protected async request(context: RequestOpts): Promise<Response> {
        const { url, init } = this.createFetchParams(context);
        const response = await this.fetchApi(url, init);
        if (response.status >= 200 && response.status < 300) {
            return response;
        }
        throw response;
    }

    private createFetchParams(context: RequestOpts) {
        let url = this.configuration.basePath + context.path;
        if (context.query !== undefined && Object.keys(context.query).length !== 0) {
            // only add the querystring to the URL if there are query parameters.
            // this is done to avoid urls ending with a "?" character which buggy webservers
            // do not handle correctly sometimes.
            url += '?' + this.configuration.queryParamsStringify(context.query);
        }
        const body = ((typeof FormData !== "undefined" && context.body instanceof FormData) || context.body instanceof URLSearchParams || isBlob(context.body))
	    ? context.body
	    : JSON.stringify(context.body);

        const headers = Object.assign({}, this.configuration.headers, context.headers);
        const init = {
            method: context.method,
            headers: headers,
            body,
            credentials: this.configuration.credentials
        };
        return { url, init };
    }

    private fetchApi = async (url: string, init: RequestInit) => {
        let fetchParams = { url, init };
        for (const middleware of this.middleware) {
            if (middleware.pre) {
                fetchParams = await middleware.pre({
                    fetch: this.fetchApi,
                    ...fetchParams,
                }) || fetchParams;
            }
        }
        let response = await this.configuration.fetchApi(fetchParams.url, fetchParams.init);
        for (const middleware of this.middleware) {
            if (middleware.post) {
                response = await middleware.post({
                    fetch: this.fetchApi,
                    url,
                    init,
                    response: response.clone(),
                }) || response;
            }
        }
        return response;
    }

    /**
     * Create a shallow clone of `this` by constructing a new instance
     * and then shallow cloning data members.
     */
    private clone<T extends BaseAPI>(this: T): T {
        const constructor = this.constructor as any;
        const next = new constructor(this.configuration);
        next.middleware = this.middleware.slice();
        return next;
    }
};

export class RequiredError extends Error {
    name: "RequiredError" = "RequiredError";
    constructor(public field: string, msg?: string) {
        super(msg);
    }
}

export const COLLECTION_FORMATS = {
    csv: ",",
    ssv: " ",
    tsv: "\t",
    pipes: "|",
};

export type FetchAPI = WindowOrWorkerGlobalScope['fetch'];

export interface ConfigurationParameters {
    basePath?: string; // override base path
    fetchApi?: FetchAPI; // override for fetch implementation
    middleware?: Middleware[]; // middleware to apply before/after fetch requests
    queryParamsStringify?: (params: HTTPQuery) => string; // stringify function for query strings
    username?: string; // parameter for basic security
    password?: string; // parameter for basic security
    apiKey?: string | ((name: string) => string); // parameter for apiKey security
    accessToken?: string | ((name?: string, scopes?: string[]) => string); // parameter for oauth2 security
    headers?: HTTPHeaders; //header params we want to use on every request
    credentials?: RequestCredentials; //value for the credentials param we want to use on each request
}

export class Configuration {
    constructor(private configuration: ConfigurationParameters = {}) {}

    get basePath(): string {
        return this.configuration.basePath != null ? this.configuration.basePath : BASE_PATH;
    }

    get fetchApi(): FetchAPI {
        return this.configuration.fetchApi || window.fetch.bind(window);
    }

    get middleware(): Middleware[] {
        return this.configuration.middleware || [];
    }

    get queryParamsStringify(): (params: HTTPQuery) => string {
        return this.configuration.queryParamsStringify || querystring;
    }

    get username(): string | undefined {
        return this.configuration.username;
    }

    get password(): string | undefined {
        return this.configuration.password;
    }

    get apiKey(): ((name: string) => string) | undefined {
        const apiKey = this.configuration.apiKey;
        if (apiKey) {
            return typeof apiKey === 'function' ? apiKey : () => apiKey;
        }
        return undefined;
    }

    get accessToken(): ((name: string, scopes?: string[]) => string) | undefined {
        const accessToken = this.configuration.accessToken;
        if (accessToken) {
            return typeof accessToken === 'function' ? accessToken : () => accessToken;
        }
        return undefined;
    }

    get headers():  HTTPHeaders | undefined {
        return this.configuration.headers;
    }

    get credentials(): RequestCredentials | undefined {
        return this.configuration.credentials;
    }
}

export type Json = any;
export type HTTPMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';
export type HTTPHeaders = { [key: string]: string };
export type HTTPQuery = { [key: string]: string | number | null | boolean | Array<string | number | null | boolean> | HTTPQuery };
export type HTTPBody = Json | FormData | URLSearchParams;
export type ModelPropertyNaming = 'camelCase' | 'snake_case' | 'PascalCase' | 'original';

export interface FetchParams {
    url: string;
    init: RequestInit;
}

export interface RequestOpts {
    path: string;
    method: HTTPMethod;
    headers: HTTPHeaders;
    query?: HTTPQuery;
    body?: HTTPBody;
}

export function exists(json: any, key: string) {
    const value = json[key];
    return value !== null && value !== undefined;
}

export function querystring(params: HTTPQuery, prefix: string = ''): string {
    return Object.keys(params)
        .map((key) => {
            const fullKey = prefix + (prefix.length ? `[${key}]` : key);
            const value = params[key];
            if (value instanceof Array) {
                const multiValue = value.map(singleValue => encodeURIComponent(String(singleValue)))
                    .join(`&${encodeURIComponent(fullKey)}=`);
                return `${encodeURIComponent(fullKey)}=${multiValue}`;
            }
            if (value instanceof Object) {
                return querystring(value as HTTPQuery, fullKey);
            }
            return `${encodeURIComponent(fullKey)}=${encodeURIComponent(String(value))}`;
        })
        .filter(part => part.length > 0)
        .join('&');
}

export function mapValues(data: any, fn: (item: any) => any) {
  return Object.keys(data).reduce(
    (acc, key) => ({ ...acc, [key]: fn(data[key]) }),
    {}
  );
}

export function canConsumeForm(consumes: Consume[]): boolean {
    for (const consume of consumes) {
        if ('multipart/form-data' === consume.contentType) {
            return true;
        }
    }
    return false;
}

export interface Consume {
    contentType: string
}

export interface RequestContext {
    fetch: FetchAPI;
    url: string;
    init: RequestInit;
}

export interface ResponseContext {
    fetch: FetchAPI;
    url: string;
    init: RequestInit;
    response: Response;
}

export interface Middleware {
    pre?(context: RequestContext): Promise<FetchParams | void>;
    post?(context: ResponseContext): Promise<Response | void>;
}

export interface ApiResponse<T> {
    raw: Response;
    value(): Promise<T>;
}

export interface ResponseTransformer<T> {
    (json: any): T;
}

export class JSONApiResponse<T> {
    constructor(public raw: Response, private transformer: ResponseTransformer<T> = (jsonValue: any) => jsonValue) {}

    async value(): Promise<T> {
        return this.transformer(await this.raw.json());
    }
}

export class VoidApiResponse {
    constructor(public raw: Response) {}

    async value(): Promise<void> {
        return undefined;
    }
}

export class BlobApiResponse {
    constructor(public raw: Response) {}

    async value(): Promise<Blob> {
        return await this.raw.blob();
    };
}

export class TextApiResponse {
    constructor(public raw: Response) {}

    async value(): Promise<string> {
        return await this.raw.text();
    };
}
