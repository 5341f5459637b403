/**
 * @module domain/response-against-form
 * The stored check (see `StoredCheck` in domain/repository) that holds every QuestionnaireResponse to its
 * Questionnaire, https://hl7.org/fhir/R4/questionnaireresponse.html#link, on every write and in
 * `$validate`, not only in `$triage`: questions the form lacks, answers of the wrong type or outside the
 * options, answers to questions not asked, and (once the response is completed or amended) required
 * questions left unanswered. A response whose form this server does not hold is accepted as it is.
 * The rules are the pure `checkAnswers` of domain/triage/answers; this file only finds the form.
 */
import type { Questionnaire, QuestionnaireResponse, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../fhir/error.js';
import type { DomainContext } from './context.js';
import type { ServerRepository } from './repository.js';
import { checkAnswers } from './triage/answers.js';
import { byCanonical, valueSetCodes } from './triage/lookup.js';

/** An unfinished response may still lack required answers (R4: "completed" means all are given). */
const UNFINISHED = new Set(['in-progress', 'stopped', 'entered-in-error']);
const LITERAL = /^Questionnaire\/([A-Za-z0-9\-.]{1,64})$/;

export async function checkResponseAgainstForm(repo: ServerRepository, resource: Resource): Promise<Issue[]> {
  if (resource.resourceType !== 'QuestionnaireResponse' || !resource.questionnaire) return [];
  const server = { repo };
  const form = await findForm(server, resource.questionnaire);
  if (!form) return [];
  const issues = checkAnswers(form, resource as QuestionnaireResponse, await valueSetCodes(server, form));
  return UNFINISHED.has(resource.status) ? issues.filter((i) => i.code !== 'required') : issues;
}

/** By canonical URL (the R4 way), or by `Questionnaire/id`, which some clients send instead. */
async function findForm(ctx: { repo: ServerRepository }, questionnaire: string): Promise<Questionnaire | undefined> {
  const literal = LITERAL.exec(questionnaire);
  if (literal) return ctx.repo.lookup<Questionnaire>('Questionnaire', literal[1]!);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(questionnaire)) return undefined;
  const [form] = await byCanonical<Questionnaire>(ctx, 'Questionnaire', questionnaire, ['active', 'draft', 'retired']);
  return form;
}
