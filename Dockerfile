# Build stage: the same Maven build as the README, producing target/offload.jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q -DskipTests package

# Run stage: a JRE and the fat jar, as an unprivileged user.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home offload
WORKDIR /app
COPY --from=build /src/target/offload.jar /app/offload.jar
USER offload
# Inside a container the service must listen on every interface; point it at your database.
ENV OFFLOAD_HTTP_HOST=0.0.0.0 \
    OFFLOAD_HTTP_PORT=8080 \
    OFFLOAD_DATABASE_URL=postgresql://postgres@db:5432/offload
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/offload.jar"]
