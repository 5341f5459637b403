# Lots as a container image: the dependencies are installed in the image (never over a host folder),
# and the server runs as `node --import tsx src/main.ts`, as `npm start` does.
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx runs the TypeScript; the devDependencies (tests, bench, R4 examples) stay out of the image.
RUN npm ci --omit=dev && npm cache clean --force
COPY bin ./bin
COPY profiles ./profiles
COPY seed ./seed
COPY src ./src
COPY tsconfig.json ./
USER node
EXPOSE 8080
# SIGTERM reaches node directly (no npm or shell in between): it drains requests and flushes the audit queue.
ENTRYPOINT ["node", "--max-old-space-size=256", "--import", "tsx", "src/main.ts"]
CMD ["serve"]
