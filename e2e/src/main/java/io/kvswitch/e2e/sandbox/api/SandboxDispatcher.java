package io.kvswitch.e2e.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.kvswitch.api.validation.CustomResourceValidator;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8's CRUD mock server plus what kubectl and a faithful test need from a real API server:
 * version and discovery, an OpenAPI v3 index, Tables for {@code kubectl get}, schema defaults, and
 * validation of custom resources (schema and CEL) on every write.
 */
final class SandboxDispatcher extends Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxDispatcher.class);
  private static final String CRD_GROUP = "apiextensions.k8s.io";
  private static final String CRD_PLURAL = "customresourcedefinitions";

  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
  private final ObjectMapper json;
  private final ApiCatalog catalog = new ApiCatalog();
  private final Discovery discovery;
  private final CustomResourceAdmission admission = new CustomResourceAdmission();
  private final TableRenderer tables;
  private final VersionInfo version;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  SandboxDispatcher(ObjectMapper json, Clock clock, VersionInfo version) {
    this.json = json;
    this.discovery = new Discovery(catalog, json);
    this.tables = new TableRenderer(json, clock);
    this.version = version;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      MockResponse response = route(request);
      LOG.debug("{} {} -> {}", request.getMethod(), request.getPath(), response.code());
      return response;
    } catch (RuntimeException | IOException e) {
      LOG.warn("{} {} failed", request.getMethod(), request.getPath(), e);
      return status(StatusResponses.failure(500, "InternalError", e.toString()));
    }
  }

  private MockResponse route(RecordedRequest request) throws IOException {
    String method = request.getMethod();
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if ("GET".equals(method)) {
      Optional<Object> document = discoveryDocument(bare);
      if (document.isPresent()) {
        return ok(document.get());
      }
      if (bare.startsWith("/openapi/")) {
        return status(StatusResponses.failure(404, "NotFound", "no OpenAPI document at " + bare));
      }
    }
    Optional<ResourcePath> resource = ResourcePath.parse(path);
    if (resource.isEmpty()) {
      return crud.dispatch(request);
    }
    ResourcePath target = resource.get();
    if (CRD_GROUP.equals(target.group()) && CRD_PLURAL.equals(target.plural())) {
      return crdRequest(request, target);
    }
    Optional<CustomResourceValidator> validator = admission.validator(target);
    if (validator.isPresent()) {
      switch (method) {
        case "POST":
          return create(request, target, validator.get());
        case "PUT":
          return update(request, target, validator.get());
        case "PATCH":
          return patch(request, target, validator.get());
        default:
          break;
      }
    }
    if ("GET".equals(method) && TableRenderer.wantsTable(request.getHeader("Accept"))) {
      Optional<JsonNode> crdVersion = crdVersion(target);
      if (crdVersion.isPresent() && !path.contains("watch=")) {
        MockResponse raw = crud.dispatch(request);
        if (raw.code() != 200) {
          return raw;
        }
        return ok(tables.render(json.readTree(raw.getBody().readUtf8()), crdVersion.get()));
      }
    }
    return crud.dispatch(request);
  }

  private Optional<Object> discoveryDocument(String path) {
    return switch (path) {
      case "/version", "/version/" -> Optional.of(version);
      case "/api", "/api/" -> Optional.of(discovery.coreVersions());
      case "/apis", "/apis/" -> Optional.of(discovery.groups());
      case "/openapi/v3", "/openapi/v3/" -> Optional.of(discovery.openApiIndex());
      default -> {
        if (path.startsWith("/openapi/v3/")) {
          yield discovery.openApiGroupVersion(path.substring("/openapi/v3/".length())).map(d -> d);
        }
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (parts.length == 2 && parts[0].equals("api")) {
          yield discovery.resources(parts[1]).map(r -> r);
        }
        if (parts.length == 3 && parts[0].equals("apis")) {
          yield discovery.resources(parts[1] + "/" + parts[2]).map(r -> r);
        }
        yield Optional.empty();
      }
    };
  }

  private MockResponse crdRequest(RecordedRequest request, ResourcePath target) throws IOException {
    MockResponse response = crud.dispatch(request);
    if (response.code() >= 300) {
      return response;
    }
    switch (request.getMethod()) {
      case "POST", "PUT", "PATCH" -> {
        // getBytes() leaves the body in place for the client; readUtf8() would consume it.
        JsonNode crd = json.readTree(response.getBody().getBytes());
        catalog.register(crd);
        admission.register(crd);
      }
      case "DELETE" -> {
        if (target.name() != null) {
          catalog.unregister(target.name());
          admission.unregister(target.name());
        }
      }
      default -> {}
    }
    return response;
  }

  private MockResponse create(
      RecordedRequest request, ResourcePath target, CustomResourceValidator validator)
      throws IOException {
    JsonNode body = json.readTree(request.getUtf8Body());
    CustomResourceAdmission.Decision decision =
        admission.admitCreate(validator, body, isStrict(request));
    if (!decision.allowed()) {
      return refuse(validator, target, body, decision);
    }
    return crud.dispatch(withBody(request, decision.object()));
  }

  private MockResponse update(
      RecordedRequest request, ResourcePath target, CustomResourceValidator validator)
      throws IOException {
    MockResponse stored = crud.dispatch(get(request, target));
    if (stored.code() != 200) {
      return stored;
    }
    JsonNode body = json.readTree(request.getUtf8Body());
    JsonNode current = json.readTree(stored.getBody().readUtf8());
    CustomResourceAdmission.Decision decision =
        admission.admitUpdate(validator, body, current, isStrict(request));
    if (!decision.allowed()) {
      return refuse(validator, target, body, decision);
    }
    return crud.dispatch(withBody(request, decision.object()));
  }

  /**
   * Works out what the patch would store and validates that; the mock server then applies the same
   * patch itself. Defaults are filled in on create and update, which is where they matter.
   */
  private MockResponse patch(
      RecordedRequest request, ResourcePath target, CustomResourceValidator validator)
      throws IOException {
    MockResponse stored = crud.dispatch(get(request, target));
    if (stored.code() != 200) {
      return stored;
    }
    JsonNode current = json.readTree(stored.getBody().readUtf8());
    JsonNode patch = json.readTree(request.getUtf8Body());
    String contentType = String.valueOf(request.getHeader("Content-Type"));
    JsonNode patched;
    if (contentType.startsWith("application/json-patch+json")) {
      patched = JsonPatch.apply(patch, current);
    } else if (contentType.startsWith("application/merge-patch+json")) {
      patched = JsonMergePatch.apply(current, patch);
    } else {
      return status(
          StatusResponses.failure(
              415,
              "UnsupportedMediaType",
              "the sandbox accepts JSON patch and JSON merge patch for custom resources, not "
                  + contentType));
    }
    CustomResourceAdmission.Decision decision =
        admission.admitUpdate(validator, patched, current, isStrict(request));
    if (!decision.allowed()) {
      return refuse(validator, target, patched, decision);
    }
    // Reading the body consumed it; the mock server gets the same patch again.
    return crud.dispatch(withBody(request, patch));
  }

  private MockResponse refuse(
      CustomResourceValidator validator,
      ResourcePath target,
      JsonNode object,
      CustomResourceAdmission.Decision decision) {
    String name = object.at("/metadata/name").asText(target.name() == null ? "" : target.name());
    LOG.info("refused {} {}: {}", validator.kind(), name, decision.violations());
    return status(
        StatusResponses.invalid(validator.kind(), target.group(), name, decision.violations()));
  }

  private static boolean isStrict(RecordedRequest request) {
    return request.getPath().contains("fieldValidation=Strict");
  }

  private Optional<JsonNode> crdVersion(ResourcePath target) {
    return catalog
        .crd(target.group(), target.plural())
        .flatMap(
            crd -> {
              for (JsonNode version : crd.at("/spec/versions")) {
                if (version.path("name").asText().equals(target.version())) {
                  return Optional.of(version);
                }
              }
              return Optional.empty();
            });
  }

  private static RecordedRequest get(RecordedRequest request, ResourcePath target) {
    return new RecordedRequest(
        request.getHttpVersion(),
        io.fabric8.mockwebserver.dsl.HttpMethod.GET,
        target.objectPath(),
        request.getHeaders(),
        new Buffer());
  }

  private RecordedRequest withBody(RecordedRequest request, JsonNode body) throws IOException {
    return new RecordedRequest(
        request.getHttpVersion(),
        request.method(),
        request.getPath(),
        request.getHeaders(),
        new Buffer(json.writeValueAsBytes(body)));
  }

  private MockResponse ok(Object body) throws IOException {
    String text =
        body instanceof JsonNode tree ? json.writeValueAsString(tree) : serialization.asJson(body);
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(text);
  }

  private MockResponse status(Status status) {
    return new MockResponse()
        .setResponseCode(status.getCode())
        .setHeader("Content-Type", "application/json")
        .setBody(serialization.asJson(status));
  }
}
