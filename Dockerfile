# Seeker in a container: one static binary (no CGO), no shell, no package
# manager. Configuration comes from a mounted file and/or SEEKER_*
# environment variables (see docs/operators-guide.md and docs/deployment.md).
#
#   docker build -t seeker .
#   docker run -p 8080:8080 -p 8081:8081 -v $PWD/seeker.yaml:/etc/seeker/seeker.yaml seeker
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/seeker ./cmd/seeker

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/seeker /usr/local/bin/seeker
# Both sides listen on all interfaces inside the container; the file or the
# environment may override these.
ENV SEEKER_LISTEN_NETWORK=0.0.0.0:8081 \
    SEEKER_LISTEN_CLIENT=0.0.0.0:8080 \
    SEEKER_STORAGE=/var/lib/seeker/seeker.db
EXPOSE 8080 8081
VOLUME ["/var/lib/seeker"]
USER nonroot
ENTRYPOINT ["/usr/local/bin/seeker"]
CMD ["serve", "--config", "/etc/seeker/seeker.yaml"]
