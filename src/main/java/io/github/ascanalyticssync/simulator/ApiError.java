package io.github.ascanalyticssync.simulator;

import java.util.Map;

/** An error answer with Apple's body: {@code {"errors":[{id, status, code, title, detail, source}]}}. */
public final class ApiError extends RuntimeException {

    final int status;
    final String code;
    final String title;
    final String detail;
    /** {@code {"parameter": ...}} or {@code {"pointer": ...}}, or null. */
    final Map<String, String> source;

    ApiError(int status, String code, String title, String detail, Map<String, String> source) {
        super(status + " " + code + ": " + detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.detail = detail;
        this.source = source;
    }

    static final String NOT_AUTHORIZED_DETAIL = "Provide a properly configured and signed bearer token, and make sure that it has not expired. "
            + "Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens";

    static ApiError notAuthorized() {
        return new ApiError(401, "NOT_AUTHORIZED", "Authentication credentials are missing or invalid.", NOT_AUTHORIZED_DETAIL, null);
    }

    static ApiError forbiddenForKey() {
        return new ApiError(403, "FORBIDDEN_ERROR", "This request is forbidden for security reasons",
                "The API key in use does not allow this request", null);
    }

    static ApiError operationNotAllowed(String type, String operation, String allowed) {
        return new ApiError(403, "FORBIDDEN_ERROR", "The given operation is not allowed",
                "The resource '" + type + "' does not allow '" + operation + "'. Allowed operations are: " + allowed, null);
    }

    static ApiError notFound(String type, String id) {
        return new ApiError(404, "NOT_FOUND", "The specified resource does not exist",
                "There is no resource of type '" + type + "' with id '" + id + "'", null);
    }

    static ApiError pathNotFound() {
        return new ApiError(404, "NOT_FOUND", "The specified resource does not exist",
                "The path provided does not match a defined resource type.", null);
    }

    static ApiError relationshipNotFound(String relationship) {
        return new ApiError(404, "NOT_FOUND", "The URL path is not valid",
                "The relationship '" + relationship + "' does not exist", null);
    }

    static ApiError parameterInvalid(String parameter, String detail) {
        return new ApiError(400, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", detail,
                Map.of("parameter", parameter));
    }

    static ApiError parameterIllegal(String parameter) {
        return new ApiError(400, "PARAMETER_ERROR.ILLEGAL", "A given parameter is not allowed for this request",
                "The parameter '" + parameter + "' can not be used with this request", Map.of("parameter", parameter));
    }

    static ApiError stateError() {
        return new ApiError(409, "STATE_ERROR", "The request cannot be fulfilled because of the state of another resource.",
                "You already have such an entity", null);
    }

    static ApiError relationshipInvalid(String id) {
        return new ApiError(409, "ENTITY_ERROR.RELATIONSHIP.INVALID", "The provided entity includes a relationship with an invalid value",
                "'" + id + "' is not a valid id for this relationship.", Map.of("pointer", "/data/relationships/app"));
    }

    static ApiError attributeUnknown(String type, String attribute) {
        return new ApiError(409, "ENTITY_ERROR.ATTRIBUTE.UNKNOWN", "The provided entity includes an unknown attribute",
                "'" + attribute + "' is not an attribute on the resource '" + type + "'", Map.of("pointer", "/data/attributes/" + attribute));
    }

    static ApiError relationshipUnknown(String type, String relationship) {
        return new ApiError(409, "ENTITY_ERROR.RELATIONSHIP.UNKNOWN", "The provided entity includes an unknown relationship",
                "'" + relationship + "' is not a relationship on the resource '" + type + "'",
                Map.of("pointer", "/data/relationships/" + relationship));
    }

    static ApiError entityInvalid(String pointer, String detail) {
        return new ApiError(422, "ENTITY_UNPROCESSABLE", "The request entity is not processable", detail, Map.of("pointer", pointer));
    }

    static ApiError rateLimited() {
        return new ApiError(429, "RATE_LIMIT_EXCEEDED", "The request rate limit has been reached.",
                "We've received too many requests for this API. Please wait and try again or slow down your request rate.", null);
    }

    static ApiError serverError() {
        return new ApiError(500, "UNEXPECTED_ERROR", "An unexpected error occurred.",
                "An unexpected error occurred on the server side. If this issue continues, contact us at https://developer.apple.com/contact/.", null);
    }

    static ApiError unavailable() {
        return new ApiError(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.",
                "The request could not be completed because the service is temporarily unavailable. Please try again later.", null);
    }
}
