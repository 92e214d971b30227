// Starts the vendored Swagger UI on the generated OpenAPI document (kept out of the page so the
// Content-Security-Policy can forbid inline script).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    withCredentials: true,
  });
});
