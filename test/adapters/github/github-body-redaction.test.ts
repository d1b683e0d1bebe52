// Issue, comment and pull request bodies are public: whatever reaches the GitHub client
// leaves with every credential shape and every piece of the token masked.
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/github/client.js';
import { startGitHubFake, type GitHubFake } from '../../support/github-fake.js';
import { findSecretPieces } from '../../support/secret-scan.js';

const TOKEN = 'ghs_Wb8kP2qRz5Tn7Lm3Xc9Vd1Fy';
const PROVIDER_KEY = 'sk-admin-Hq4Zr8Lp2Wm6Tx0Nv3Ks';
const LEAKY = [
  `the provider said: key ${PROVIDER_KEY.slice(0, 12)}…${PROVIDER_KEY.slice(-6)} is not valid`,
  `a gateway echoed Bearer ${PROVIDER_KEY} and sk-proj-Abc123...x9Z`,
  `a token ending in ${TOKEN.slice(-8)} and another ${TOKEN.slice(0, 10)}...`,
].join('\n');

let fake: GitHubFake;
afterEach(async () => {
  await fake.close();
});

describe('github request bodies', () => {
  it('masks credentials in titles, bodies and comments before they are sent', async () => {
    fake = await startGitHubFake({ token: TOKEN });
    const github = createGitHubClient({ token: TOKEN, repository: `${fake.owner}/${fake.repo}`, apiUrl: fake.apiUrl });

    const issue = await github.createIssue({ title: `alarm for ${PROVIDER_KEY.slice(0, 14)}`, body: LEAKY, labels: ['parity-alarm'] });
    await github.createComment(issue.number, LEAKY);

    const stored = fake.issues[0]!;
    expect(stored.body).toContain('the provider said: key sk-admin-*** is not valid');
    expect(stored.body).toContain('a gateway echoed Bearer *** and sk-proj-***');
    expect(stored.body).toContain('a token ending in *** and another ghs_***');
    expect(stored.title).toBe('alarm for sk-admin-***');
    const texts = { title: stored.title, body: stored.body ?? '', comment: fake.comments.get(issue.number)?.[0]?.body ?? '' };
    expect(texts.comment).toBe(stored.body);
    expect(await findSecretPieces(PROVIDER_KEY, { texts })).toEqual([]);
    expect(await findSecretPieces(TOKEN, { texts })).toEqual([]);
  });
});
