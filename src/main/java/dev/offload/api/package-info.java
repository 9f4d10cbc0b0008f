/**
 * What routes share, wherever they live: the error the failure handler renders ({@link
 * dev.offload.api.ApiError}), the task resource as JSON, and the guard for routes that need the
 * database. It depends on no feature package and not on {@code http}, so that feature packages
 * (users, images, files, outbound) use it while {@code http} mounts their routes: no cycle either
 * way.
 */
package dev.offload.api;
