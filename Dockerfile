# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Gateway.sln ./
COPY src/ src/
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -o /out --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
# A fixed non-root user owns the data volume.
RUN groupadd --system --gid 10025 gateway && useradd --system --uid 10025 --gid gateway --home-dir /var/lib/gateway gateway \
 && mkdir -p /var/lib/gateway /etc/gateway && chown gateway:gateway /var/lib/gateway
WORKDIR /opt/gateway
COPY --from=build /out/ ./
COPY config/ /etc/gateway/
USER gateway
VOLUME ["/var/lib/gateway"]
# relay (MX), submission (STARTTLS + AUTH), implicit TLS submission
EXPOSE 2525 2587 2465
ENV Smtp__Listeners__Relay__Address=0.0.0.0 \
    Smtp__Listeners__Submission__Address=0.0.0.0 \
    Smtp__Listeners__Smtps__Address=0.0.0.0
ENTRYPOINT ["/opt/gateway/gateway", "run", "--config", "/etc/gateway", "--data", "/var/lib/gateway"]
